import { isAbsolute, relative } from 'node:path'
import type { DriverImporter } from '@mega/core'
import { cliError } from '../errors.js'
import { authFiles, authNextSteps } from '../generators/auth-generator.js'
import { GENERATOR_NEXT_STEPS, GENERATORS } from '../generators/generators.js'
import { generateMigrationFile, type DbImporter } from '../generators/migration-generator.js'
import { createColors, type CliIo } from '../io.js'
import { NAME_PATTERN } from '../internal/names.js'
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
  /** How `@mega/db` is imported (migration). */
  readonly importDb?: DbImporter
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
 * @example
 * await generate({ root: process.cwd(), kind: 'model', name: 'user' })
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const kind = checkKind(options.kind)
  const app = options.app ?? 'main'
  if (kind === 'auth') return generateAuth(options.root, app, options.name, options.importDb)
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

/**
 * `mega generate auth`: the auth files (nothing is written when any exists), then the migration of
 * the users and access_tokens tables; when that fails, the files are removed again.
 */
async function generateAuth(
  root: string,
  app: string,
  name: string | undefined,
  importDb: DbImporter | undefined,
): Promise<GenerateResult> {
  if (name !== undefined)
    throw cliError(
      'MEGA_CLI_INVALID_ARGUMENT',
      `mega generate auth takes no name (got "${name}"): it writes users, their service, routes and pages.`,
    )
  const files = await authFiles(root, app)
  const rollback = await writeNewFiles(root, files, 'mega generate auth')
  let migration: unknown
  try {
    const call = { root, app, name: 'create-users', allowDestructive: false }
    migration = await generateMigrationFile(call, importDb)
  } catch (err) {
    await rollback()
    throw err
  }
  const file = (migration as { file?: unknown } | null | undefined)?.file
  return {
    files: files.map((f) => f.path),
    migration: typeof file === 'string' ? { file: relative(root, file) } : migration,
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
    app: parsed.options.app,
    allowDestructive: parsed.options.allowDestructive,
    empty: parsed.options.empty,
  })
  const c = createColors(io)
  for (const file of result.files) io.stdout(`${c.green('created')} ${file}\n`)
  if (kind === 'migration' || kind === 'auth')
    io.stdout(describeMigration(relativeFile(root, result.migration), c))
  for (const line of result.next ?? []) io.stdout(`${line}\n`)
  return 0
}
