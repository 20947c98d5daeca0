import type { DriverImporter } from '@mega/core'
import { requireExport } from '../internal/packages.js'
import { authFiles } from './auth-generator.js'
import { toCamel, toKebab, toPascal, toTable } from '../internal/names.js'
import type { GeneratorKind } from '../options.js'
import { renderTemplateFile, type TemplateFile } from '../templates.js'

/** What a generator works from. */
export interface GeneratorInput {
  readonly root: string
  readonly app: string
  /** The name as typed (`OrderItem`, `order-item`). */
  readonly name: string
  /** How packages are imported as the project sees them. @default from the root's node_modules */
  readonly importPackage?: DriverImporter
}

/** A generator: the files it would write (nothing is written until every target is known free). */
export type Generator = (input: GeneratorInput) => Promise<TemplateFile[]>

/** What to do by hand after a generator wrote its files, line by line (a route to add...). */
export type GeneratorNextSteps = (input: GeneratorInput) => readonly string[]

function vars(input: GeneratorInput): Record<string, string> {
  return {
    name: toKebab(input.name),
    Name: toPascal(input.name),
    camel: toCamel(input.name),
    table: toTable(input.name),
    app: input.app,
  }
}

/** A template under `templates/generate/` and the file it becomes, relative to the root. */
type TargetEntry = readonly [template: string, target: string]

/** `apps/<app>/<kind>s/<name>-<kind>.ts` and its test in `test/<kind>s/`, from `<kind>/{code,test}.ts.tpl`. */
const codeAndTest =
  (kind: string) =>
  (n: string, app: string): readonly TargetEntry[] => [
    [`${kind}/code.ts.tpl`, `apps/${app}/${kind}s/${n}-${kind}.ts`],
    [`${kind}/test.ts.tpl`, `test/${kind}s/${n}-${kind}.test.ts`],
  ]

/** The files a template generator writes for a name, in one place: generate writes them, destroy removes them. */
const TARGETS = {
  model: codeAndTest('model'),
  service: codeAndTest('service'),
  route: (n: string, app: string) => [
    ['route/controller.ts.tpl', `apps/${app}/controllers/${n}-controller.ts`],
    ['route/routes.ts.tpl', `apps/${app}/routes/${n}.ts`],
    ['route/test.ts.tpl', `test/routes/${n}.test.ts`],
  ],
  channel: codeAndTest('channel'),
  schedule: codeAndTest('schedule'),
  job: codeAndTest('job'),
} as const satisfies Record<string, (name: string, app: string) => readonly TargetEntry[]>

/** The kinds whose generator renders templates for a name (not migration, not auth). */
export type TemplateGeneratorKind = keyof typeof TARGETS

/** Whether `kind` is one of the {@link TemplateGeneratorKind}s (`controller` is `route`). */
export function templateKind(kind: GeneratorKind): TemplateGeneratorKind | undefined {
  if (kind === 'controller') return 'route'
  return kind in TARGETS ? (kind as TemplateGeneratorKind) : undefined
}

/**
 * The files a template generator writes for `name` in `app`, relative to the root (what
 * `mega destroy` removes).
 *
 * @example
 * generatorTargets('model', { app: 'main', name: 'OrderItem' })
 * // ['apps/main/models/order-item-model.ts', 'test/models/order-item-model.test.ts']
 */
export function generatorTargets(
  kind: TemplateGeneratorKind,
  input: Pick<GeneratorInput, 'app' | 'name'>,
): string[] {
  return TARGETS[kind](toKebab(input.name), input.app).map(([, target]) => target)
}

function files(input: GeneratorInput, kind: TemplateGeneratorKind): Promise<TemplateFile[]> {
  const v = vars(input)
  return Promise.all(
    TARGETS[kind](toKebab(input.name), input.app).map(async ([template, target]) => ({
      path: target,
      content: await renderTemplateFile(`generate/${template}`, v),
    })),
  )
}

const model: Generator = (input) => files(input, 'model')

const service: Generator = (input) => files(input, 'service')

const route: Generator = (input) => files(input, 'route')

const channel: Generator = async (input) => {
  await requireExport(
    input.root,
    '@mega/ws',
    'defineChannel',
    'mega generate channel',
    input.importPackage,
  )
  return files(input, 'channel')
}

const schedule: Generator = async (input) => {
  await requireExport(
    input.root,
    '@mega/jobs',
    'defineSchedule',
    'mega generate schedule',
    input.importPackage,
  )
  return files(input, 'schedule')
}

const job: Generator = async (input) => {
  await requireExport(input.root, '@mega/jobs', 'MegaJob', 'mega generate job', input.importPackage)
  return files(input, 'job')
}

const migration: Generator = () => {
  // Handled by generateMigrationFile (it calls @mega/db rather than rendering a template).
  throw new Error('migration is not a template generator')
}

/** The auth files; `generate` writes them, then the users migration (see generate-command.ts). */
const auth: Generator = (input) => authFiles(input.root, input.app)

/** The generator of each kind. `controller` is another name for `route` (it writes both files). */
export const GENERATORS: Readonly<Record<GeneratorKind, Generator>> = {
  model,
  service,
  route,
  controller: route,
  migration,
  job,
  schedule,
  channel,
  auth,
}

/** The steps a generated file needs by hand, for the kinds that have some (printed after it). */
export const GENERATOR_NEXT_STEPS: Readonly<Partial<Record<GeneratorKind, GeneratorNextSteps>>> = {
  job: (input) => [
    'enqueue it from a handler or service, and mega worker runs it, once jobs() from @mega/jobs is in plugins and a nats bus is configured (mega.config.ts):',
    `  await ctx.jobs.enqueue(${toPascal(input.name)}Job, { id: 1 })`,
    "  adapters: { bus: { driver: 'nats', url: env('NATS_URL') } }",
    '  plugins: [jobs()]',
  ],
  schedule: () => [
    'mega worker runs it once jobs() from @mega/jobs is in plugins and a lock adapter is configured (mega.config.ts):',
    "  adapters: { lock: { driver: 'memory' } } (one process) or { driver: 'redis', url } (@mega/db)",
    '  plugins: [jobs()]',
  ],
  channel: (input) => {
    const n = toKebab(input.name)
    return [
      `add its route to a file in apps/${input.app}/routes/ (and ws() from @mega/ws to plugins in mega.config.ts):`,
      `  import { ${toPascal(input.name)}Channel } from '../channels/${n}-channel.js'`,
      `  r.ws('/${n}', ${toPascal(input.name)}Channel)`,
    ]
  },
}
