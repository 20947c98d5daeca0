import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { cliError } from '../errors.js'

/** Options of `@mega/db`'s `generateMigration`, as the CLI calls it. */
export interface GenerateMigrationCall {
  readonly root: string
  readonly app: string
  readonly name: string
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
