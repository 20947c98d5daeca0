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

async function files(
  input: GeneratorInput,
  entries: readonly (readonly [template: string, target: string])[],
): Promise<TemplateFile[]> {
  const v = vars(input)
  return Promise.all(
    entries.map(async ([template, target]) => ({
      path: target,
      content: await renderTemplateFile(`generate/${template}`, v),
    })),
  )
}

const model: Generator = (input) => {
  const n = toKebab(input.name)
  return files(input, [
    ['model/code.ts.tpl', `apps/${input.app}/models/${n}-model.ts`],
    ['model/test.ts.tpl', `test/models/${n}-model.test.ts`],
  ])
}

const service: Generator = (input) => {
  const n = toKebab(input.name)
  return files(input, [
    ['service/code.ts.tpl', `apps/${input.app}/services/${n}-service.ts`],
    ['service/test.ts.tpl', `test/services/${n}-service.test.ts`],
  ])
}

const route: Generator = (input) => {
  const n = toKebab(input.name)
  return files(input, [
    ['route/controller.ts.tpl', `apps/${input.app}/controllers/${n}-controller.ts`],
    ['route/routes.ts.tpl', `apps/${input.app}/routes/${n}.ts`],
    ['route/test.ts.tpl', `test/routes/${n}.test.ts`],
  ])
}

const channel: Generator = async (input) => {
  await requireExport(
    input.root,
    '@mega/ws',
    'defineChannel',
    'mega generate channel',
    input.importPackage,
  )
  const n = toKebab(input.name)
  return files(input, [
    ['channel/code.ts.tpl', `apps/${input.app}/channels/${n}-channel.ts`],
    ['channel/test.ts.tpl', `test/channels/${n}-channel.test.ts`],
  ])
}

const schedule: Generator = async (input) => {
  await requireExport(
    input.root,
    '@mega/jobs',
    'defineSchedule',
    'mega generate schedule',
    input.importPackage,
  )
  const n = toKebab(input.name)
  return files(input, [
    ['schedule/code.ts.tpl', `apps/${input.app}/schedules/${n}-schedule.ts`],
    ['schedule/test.ts.tpl', `test/schedules/${n}-schedule.test.ts`],
  ])
}

const job: Generator = async (input) => {
  await requireExport(input.root, '@mega/jobs', 'MegaJob', 'mega generate job', input.importPackage)
  const n = toKebab(input.name)
  return files(input, [
    ['job/code.ts.tpl', `apps/${input.app}/jobs/${n}-job.ts`],
    ['job/test.ts.tpl', `test/jobs/${n}-job.test.ts`],
  ])
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
