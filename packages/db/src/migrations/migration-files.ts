// Finds the migration files of an app, imports them and fingerprints their text, so the runner can
// tell a hand-edited applied migration from an untouched one.
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { MegaIssue } from '@mega/observe'
import { dbError } from '../errors.js'
import type { MigrationModule } from './migration-types.js'

/** The app whose migrations run when none is named. */
export const DEFAULT_MIGRATION_APP = 'main'

/** `<14 digits>-<kebab-name>.<ts|js|mjs>`: the name of a migration file. */
export const MIGRATION_FILE_PATTERN = /^(\d{14}-[a-z0-9]+(?:-[a-z0-9]+)*)\.(?:ts|mts|js|mjs)$/

const SCRIPT_FILE = /\.(?:ts|mts|js|mjs)$/
const DECLARATION_FILE = /\.d\.m?ts$/

/** Imports a module by absolute path. */
export type MigrationImporter = (file: string) => Promise<unknown>

/** The file system calls the loader uses (a test may pass its own). */
export interface MigrationFileSystem {
  readdir(dir: string): Promise<readonly string[]>
  readFile(file: string): Promise<string>
}

/** Where to find migrations and how to read them. */
export interface MigrationFilesOptions {
  /** The project root (the folder holding `apps/`). */
  readonly root: string
  /** The app. @default 'main' */
  readonly app?: string
  /** Imports a migration module. @default (file) => import(pathToFileURL(file).href) */
  readonly importer?: MigrationImporter
  /** Reads the folder and the files. @default node:fs/promises */
  readonly fs?: MigrationFileSystem
}

/** A migration file, read and imported. */
export interface MigrationFile {
  /** The file name without extension: `20260612092543-create-users`. */
  readonly name: string
  /** The absolute path. */
  readonly file: string
  /**
   * What the runner records and compares: sha256 (hex) of the operations the migration's `up` and
   * `down` record (so reformatting is no edit), once the runner has read it; as loaded, the text's.
   */
  readonly checksum: string
  /**
   * sha256 (hex) of the file text with line endings normalised to `\n`: what databases that applied
   * the migration before operation checksums hold (still accepted while the text is unchanged).
   */
  readonly textChecksum?: string
  readonly module: MigrationModule
}

const nodeFs: MigrationFileSystem = {
  readdir: (dir) => readdir(dir),
  readFile: (file) => readFile(file, 'utf8'),
}

/** `apps/<app>/migrations` under `root`. */
export function migrationsDir(root: string, app: string = DEFAULT_MIGRATION_APP): string {
  return join(root, 'apps', app, 'migrations')
}

/**
 * sha256 (hex) of a migration's text. Line endings are normalised first, so a checkout with CRLF
 * endings does not count as an edit.
 *
 * @example
 * migrationChecksum('export function up() {}\n') // 'a1b2...'
 */
export function migrationChecksum(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex')
}

function isMigrationModule(value: unknown): value is MigrationModule {
  const mod = value as Partial<Record<'up' | 'down', unknown>> | null
  return typeof mod?.up === 'function' && typeof mod.down === 'function'
}

async function listNames(dir: string, fs: MigrationFileSystem): Promise<readonly string[]> {
  try {
    return await fs.readdir(dir)
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return []
    throw err
  }
}

/** The migration entries of a folder, sorted by name, and a problem for each misnamed script. */
function pickFiles(
  dir: string,
  entries: readonly string[],
): { files: string[]; issues: MegaIssue[] } {
  const files: string[] = []
  const issues: MegaIssue[] = []
  const seen = new Map<string, string>()
  for (const entry of [...entries].sort()) {
    if (!SCRIPT_FILE.test(entry) || DECLARATION_FILE.test(entry)) continue
    const name = MIGRATION_FILE_PATTERN.exec(entry)?.[1]
    const other = name === undefined ? undefined : seen.get(name)
    if (name === undefined)
      issues.push({ path: entry, message: 'is not named <14 digits>-<kebab-name>.ts: rename it' })
    else if (other !== undefined)
      issues.push({ path: entry, message: `has the same name as ${other}: keep one of them` })
    else {
      seen.set(name, entry)
      files.push(join(dir, entry))
    }
  }
  return { files, issues }
}

async function loadFile(
  file: string,
  fs: MigrationFileSystem,
  importer: MigrationImporter,
): Promise<MigrationFile | MegaIssue> {
  const base = basename(file)
  const name = base.replace(SCRIPT_FILE, '')
  const text = await fs.readFile(file)
  let module: unknown
  try {
    module = await importer(file)
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    return { path: base, message: `cannot be imported (${reason}): fix the file` }
  }
  if (!isMigrationModule(module))
    return { path: base, message: 'must export functions up(schema) and down(schema)' }
  const checksum = migrationChecksum(text)
  return { name, file, checksum, textChecksum: checksum, module }
}

/**
 * Lists `apps/<app>/migrations/*`, sorted by name, imports each file and computes its checksum. A
 * missing folder means no migrations. A misnamed script, a duplicate name, or a file that cannot be
 * imported or lacks `up`/`down` is refused with MEGA_DB_MIGRATION_INVALID listing every problem.
 *
 * @example
 * const files = await loadMigrationFiles({ root: process.cwd(), app: 'main' })
 * files.map((f) => f.name) // ['20260612092543-create-users', ...]
 */
export async function loadMigrationFiles(options: MigrationFilesOptions): Promise<MigrationFile[]> {
  const fs = options.fs ?? nodeFs
  const importer = options.importer ?? ((file: string) => import(pathToFileURL(file).href))
  const dir = migrationsDir(options.root, options.app)
  const { files, issues } = pickFiles(dir, await listNames(dir, fs))
  const loaded: MigrationFile[] = []
  for (const file of files) {
    const result = await loadFile(file, fs, importer)
    if ('message' in result) issues.push(result)
    else loaded.push(result)
  }
  if (issues.length > 0)
    throw dbError(
      'MEGA_DB_MIGRATION_INVALID',
      `The migrations in ${dir} cannot be loaded: fix the files listed below.`,
      { issues, details: { dir } },
    )
  return loaded
}
