import { isAbsolute, relative } from 'node:path'
import type { DriverImporter } from '@mega/core'
import { cliError } from '../errors.js'
import { authFiles, authNextSteps } from '../generators/auth-generator.js'
import { GENERATOR_NEXT_STEPS, GENERATORS } from '../generators/generators.js'
import {
  generateMigrationFile,
  migrationGenerator,
  writeFilesWithMigration,
  type DbImporter,
} from '../generators/migration-generator.js'
import { parseScaffoldFields } from '../generators/scaffold-fields.js'
import {
  modelFiles,
  resolveScaffoldTargets,
  type ModelFileImporter,
} from '../generators/scaffold-generator.js'
import { createColors, type CliIo } from '../io.js'
import { NAME_PATTERN, toTable } from '../internal/names.js'
import { findProjectRoot } from '../internal/project.js'
import { projectDb, type DbModule } from '../internal/project-db.js'
import { writeNewFiles } from '../internal/write-files.js'
import { didYouMean } from '../internal/suggest.js'
import { GENERATOR_KINDS, type GeneratorKind, type ParsedArgs } from '../options.js'

/** Options of {@link generate}. */
export interface GenerateOptions {
  readonly root: string
  readonly kind: string
  /** Required for every kind but `auth`. */
  readonly name?: string
  /** @default 'main' */
  readonly app?: string
  /** migration: allow dropping tables or columns. @default false */
  readonly allowDestructive?: boolean
  /** migration: write an empty migration to fill in by hand, whatever the models say. @default false */
  readonly empty?: boolean
  /** How `@mega/jobs` and `@mega/ws` are imported. @default from the root's node_modules */
  readonly importPackage?: DriverImporter
  /**
   * model: its columns, as `mega scaffold` takes them (`email:string:unique`, `bio:text?`,
   * `author:references(User)`); with fields the model's migration is generated too (named after
   * what it does), and the files are removed again when it fails. @default [] (a model to edit, no
   * migration)
   */
  readonly fields?: readonly string[]
  /** How `@mega/db` is imported (migration, auth, model with fields). */
  readonly importDb?: DbImporter
  /** How referenced model files are imported (model with fields). @default dynamic import() */
  readonly importModel?: ModelFileImporter
  /** Stamps a generated migration. @default () => new Date() */
  readonly clock?: () => Date
}

/** What {@link generate} wrote (paths relative to the root), or the migration generator's result. */
export interface GenerateResult {
  readonly files: readonly string[]
  readonly migration?: unknown
  /** What is left to do by hand, line by line (a channel's route to add). @default [] */
  readonly next?: readonly string[]
}

/**
 * `kind` when it is one of `kinds`, else `MEGA_CLI_UNKNOWN_GENERATOR` with a did-you-mean (shared by
 * `mega generate` and `mega destroy`).
 */
export function checkKindOf<K extends string>(
  command: string,
  kind: string,
  kinds: readonly K[],
): K {
  if ((kinds as readonly string[]).includes(kind)) return kind as K
  throw cliError(
    'MEGA_CLI_UNKNOWN_GENERATOR',
    `mega ${command}: unknown kind "${kind}".${didYouMean(kind, kinds)} Kinds: ${kinds.join(', ')}.`,
  )
}

function checkKind(kind: string): GeneratorKind {
  return checkKindOf('generate', kind, GENERATOR_KINDS)
}

/**
 * Writes a model, service, route (controller + routes file) and its test, in the app's conventions;
 * refuses to overwrite (nothing is written when any target exists). `migration` calls `@mega/db`'s
 * generator; `job`, `schedule` and `channel` need `@mega/jobs` / `@mega/ws`.
 *
 * A model given `fields` is written with those columns, and its migration too (see
 * {@link GenerateOptions.fields}).
 *
 * @example
 * await generate({ root: process.cwd(), kind: 'model', name: 'user' })
 * await generate({ root: process.cwd(), kind: 'model', name: 'user', fields: ['email:string:unique'] })
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const kind = checkKind(options.kind)
  const app = options.app ?? 'main'
  const fields = options.fields ?? []
  if (fields.length > 0 && kind !== 'model')
    throw cliError(
      'MEGA_CLI_INVALID_ARGUMENT',
      `mega generate ${kind} takes no fields (got "${fields.join(' ')}"): fields are for mega generate model and mega scaffold.`,
    )
  if (kind === 'auth') return generateAuth(options, app)
  const name = options.name ?? ''
  if (!NAME_PATTERN.test(name))
    throw cliError(
      'MEGA_CLI_INVALID_ARGUMENT',
      name === ''
        ? `mega generate ${kind}: give its name, e.g. mega generate ${kind} order-item.`
        : `mega generate: "${name}" is not a valid name: use letters, digits, "-" or "_", starting with a letter.`,
    )
  if (options.empty === true && kind !== 'migration')
    throw cliError(
      'MEGA_CLI_INVALID_ARGUMENT',
      `mega generate ${kind}: --empty is for migrations only (mega generate migration <name> --empty).`,
    )
  if (kind === 'migration' && options.empty === true) {
    const db = (await (options.importDb ?? (() => projectDb(options.root)))()) as Pick<
      DbModule,
      'generateEmptyMigration'
    >
    const migration = await db.generateEmptyMigration({
      root: options.root,
      app,
      name,
    })
    return { files: [], migration }
  }
  if (kind === 'migration') {
    const migration = await generateMigrationFile(
      {
        root: options.root,
        app,
        name,
        allowDestructive: options.allowDestructive === true,
      },
      options.importDb,
    )
    return { files: [], migration }
  }
  if (kind === 'model' && fields.length > 0) return generateModel(options, app, name, fields)
  const input = {
    root: options.root,
    app,
    name,
    ...(options.importPackage === undefined ? {} : { importPackage: options.importPackage }),
  }
  const files = await GENERATORS[kind](input)
  await writeNewFiles(options.root, files, 'mega generate')
  return { files: files.map((f) => f.path), next: GENERATOR_NEXT_STEPS[kind]?.(input) ?? [] }
}

/** The migration options {@link generate} passes on to {@link writeFilesWithMigration}. */
function migrationOptions(options: GenerateOptions) {
  return {
    allowDestructive: options.allowDestructive === true,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  }
}

/**
 * `mega generate model <name> <field:type...>`: the model with those columns and its test, then
 * the migration; when that fails, the files are removed again.
 */
async function generateModel(
  options: GenerateOptions,
  app: string,
  name: string,
  args: readonly string[],
): Promise<GenerateResult> {
  const { root } = options
  const command = 'mega generate model'
  const fields = parseScaffoldFields(args, command)
  // The project's @mega/db, resolved once: checked before anything is written, then generating.
  const db = await (options.importDb ?? (() => projectDb(root)))()
  const importDb = async () => db as unknown as Record<string, unknown>
  await migrationGenerator(importDb)
  const targets = await resolveScaffoldTargets(root, app, fields, options.importModel, command)
  const files = await modelFiles({ app, name, fields, targets })
  const fallbackName = `create-${toTable(name).replace(/_/g, '-')}`
  const call = { root, app, files, command, fallbackName, ...migrationOptions(options) }
  const migration = await writeFilesWithMigration(call, importDb)
  return {
    files: files.map((f) => f.path),
    migration: migration === null ? null : { file: migration },
    next: migration === null ? [] : ['then: npx mega migrate up to create the table'],
  }
}

/**
 * `mega generate auth`: the auth files (nothing is written when any exists), then the migration of
 * the users and access_tokens tables; when that fails, the files are removed again.
 */
async function generateAuth(options: GenerateOptions, app: string): Promise<GenerateResult> {
  const { root, name } = options
  if (name !== undefined)
    throw cliError(
      'MEGA_CLI_INVALID_ARGUMENT',
      `mega generate auth takes no name (got "${name}"): it writes users, their service, routes and pages.`,
    )
  const files = await authFiles(root, app)
  const command = 'mega generate auth'
  const fallbackName = 'create-users'
  const call = { root, app, files, command, fallbackName, ...migrationOptions(options) }
  const migration = await writeFilesWithMigration(call, options.importDb)
  return {
    files: files.map((f) => f.path),
    migration: migration === null ? null : { file: migration },
    next: authNextSteps(app),
  }
}

/** `created <file>` for a generated migration, or a note that the models did not change. */
export function describeMigration(result: unknown, c = createColors({ isTTY: false, env: {} })) {
  const file = (result as { file?: unknown } | null | undefined)?.file
  if (typeof file === 'string') return `${c.green('created')} ${file}\n`
  return result === null || result === undefined
    ? 'Nothing to migrate: the models match the last migration.\n'
    : `${JSON.stringify(result, null, 2)}\n`
}

/** A generator result whose `file` is shown relative to the project root. */
export function relativeFile(root: string, result: unknown): unknown {
  const file = (result as { file?: unknown } | null)?.file
  return typeof file === 'string' && isAbsolute(file)
    ? { ...(result as object), file: relative(root, file) }
    : result
}

/** `mega generate <kind> <name>`. */
export async function generateCommand(parsed: ParsedArgs<'generate'>, io: CliIo): Promise<number> {
  const kind = checkKind(parsed.args[0]!)
  const root = findProjectRoot(io.cwd, parsed.options.root, 'generate')
  const result = await generate({
    root,
    kind,
    ...(parsed.args[1] === undefined ? {} : { name: parsed.args[1] }),
    fields: parsed.args.slice(2),
    app: parsed.options.app,
    allowDestructive: parsed.options.allowDestructive,
    empty: parsed.options.empty,
  })
  const c = createColors(io)
  for (const file of result.files) io.stdout(`${c.green('created')} ${file}\n`)
  if (kind === 'migration' || kind === 'auth' || result.migration !== undefined)
    io.stdout(describeMigration(relativeFile(root, result.migration), c))
  for (const line of result.next ?? []) io.stdout(`${line}\n`)
  return 0
}
