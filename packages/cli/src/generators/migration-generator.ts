import { readdir } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { MegaError } from '@mega/observe'
import { cliError } from '../errors.js'
import { writeNewFiles } from '../internal/write-files.js'
import type { TemplateFile } from '../templates.js'

/** Options of `@mega/db`'s `generateMigration`, as the CLI calls it. */
export interface GenerateMigrationCall {
  readonly root: string
  readonly app: string
  /** @default from what the migration does (`create-links-and-users`; `@mega/db` names it) */
  readonly name?: string
  readonly models: readonly unknown[]
  readonly allowDestructive: boolean
  /** Stamps the file (UTC `YYYYMMDDHHmmss`). @default () => new Date() */
  readonly clock?: () => Date
}

type GenerateMigration = (options: GenerateMigrationCall) => Promise<unknown>

/** Imports `@mega/db` (the CLI's own dependency); a seam for tests. */
export type DbImporter = () => Promise<Record<string, unknown>>

const importDb: DbImporter = async () => await import('@mega/db')

function isModel(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { table?: unknown }).table === 'string' &&
    typeof (value as { columns?: unknown }).columns === 'object'
  )
}

/** Every model exported by `apps/<app>/models/*` (`.ts` needs the loader `mega` runs with). */
export async function loadModels(root: string, app: string): Promise<unknown[]> {
  const dir = join(root, 'apps', app, 'models')
  let names: string[]
  try {
    names = (await readdir(dir)).filter((f) => /\.(ts|m?js)$/.test(f) && !/\.(d|test)\.ts$/.test(f))
  } catch {
    return []
  }
  const models: unknown[] = []
  for (const file of names.sort()) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>
    models.push(...Object.values(mod).filter(isModel))
  }
  return models
}

/** `@mega/db`'s migration generator, or `MEGA_CLI_NOT_AVAILABLE` while it does not export one. */
export async function migrationGenerator(
  importer: DbImporter = importDb,
): Promise<GenerateMigration> {
  const fn = (await importer()).generateMigration
  if (typeof fn === 'function') return fn as GenerateMigration
  throw cliError(
    'MEGA_CLI_NOT_AVAILABLE',
    'Generating migrations needs generateMigration() from @mega/db, which this @mega/db does not export yet: update @mega/db (and @mega/cli).',
  )
}

/**
 * Generates a migration from the app's models through `@mega/db`'s `generateMigration`; returns what
 * it returns (the written file, or nothing when the models did not change).
 */
export async function generateMigrationFile(
  options: Omit<GenerateMigrationCall, 'models'>,
  importer?: DbImporter,
): Promise<unknown> {
  const generate = await migrationGenerator(importer)
  const models = await loadModels(options.root, options.app)
  return generate({ ...options, models })
}

/** Options of {@link writeFilesWithMigration}. */
export interface FilesWithMigration {
  readonly root: string
  readonly app: string
  /** The files to write first (none may exist yet). */
  readonly files: readonly TemplateFile[]
  /** The command, for messages: `mega scaffold`. */
  readonly command: string
  /**
   * The migration's name for a `@mega/db` too old to name it after what it does (one without
   * `migrationNameFor`): `create-posts`.
   */
  readonly fallbackName: string
  /** Let the migration drop tables or columns (`--allow-destructive`). @default false */
  readonly allowDestructive?: boolean
  /** Stamps the migration. @default () => new Date() */
  readonly clock?: () => Date
}

/**
 * Writes generated files (a model...), then the migration of the app's models, named after what it
 * does. When the migration fails, the files are removed again; a refused destructive migration says
 * how to go on (`--allow-destructive`, or put the model back). Resolves the migration file relative
 * to the root, or `null` when the models already matched.
 */
export async function writeFilesWithMigration(
  options: FilesWithMigration,
  importer?: DbImporter,
): Promise<string | null> {
  const { root, app, command } = options
  const db = await (importer ?? importDb)()
  const imported: DbImporter = async () => db // imported once, for the check and the generation
  await migrationGenerator(imported)
  const namesItself = typeof db.migrationNameFor === 'function'
  const rollback = await writeNewFiles(root, options.files, command)
  let migration: unknown
  try {
    const call = {
      root,
      app,
      ...(namesItself ? {} : { name: options.fallbackName }),
      allowDestructive: options.allowDestructive === true,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    }
    migration = await generateMigrationFile(call, imported)
  } catch (err) {
    await rollback()
    throw destructiveHint(err, command)
  }
  const file = (migration as { file?: unknown } | null | undefined)?.file
  return typeof file === 'string' ? relative(root, file) : null
}

/** A refused destructive migration, reworded for a generator (the code and issues are kept). */
function destructiveHint(err: unknown, command: string): unknown {
  if (!MegaError.is(err, 'MEGA_DB_MIGRATION_DESTRUCTIVE')) return err
  const lost = (err.issues ?? []).map((i) => `${i.path}: ${i.message}`).join('; ')
  return new MegaError(
    err.code,
    `${command}: the migration would also lose data the models no longer have (${lost}), so nothing was written. Re-run with --allow-destructive to drop it in this migration, or put the removed model or column back (mega destroy removes a resource and drops its table in a migration of its own).`,
    { cause: err, ...(err.issues === undefined ? {} : { issues: err.issues }) },
  )
}
