// The journal: `.mega/journal/snapshot.json` (the schema as of the last generated migration) and
// `.mega/journal/history/<stamp>-<name>.json` (one entry per migration). Writes are atomic: a
// temporary file in the same folder, then a rename (or a link, when the file must not exist yet).
import * as nodeFs from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import { zodIssues } from '@mega/observe/internal'
import { dbError } from '../errors.js'
import { COLUMN_TYPES } from '../model/column.js'
import { EMPTY_SCHEMA } from './schema-builder.js'
import {
  SCHEMA_FORMAT_VERSION,
  type ColumnSchema,
  type DatabaseSchema,
  type MigrationOperation,
} from './migration-types.js'

/** The journal folder, relative to the project root. */
export const JOURNAL_DIR = '.mega/journal'

/** The file-system calls the journal makes (a slice of `node:fs/promises`). */
export interface JournalFs {
  readFile(path: string, encoding: 'utf8'): Promise<string>
  writeFile(path: string, data: string): Promise<void>
  rename(from: string, to: string): Promise<void>
  link(existing: string, path: string): Promise<void>
  unlink(path: string): Promise<void>
  mkdir(path: string, options: { recursive: true }): Promise<unknown>
  readdir(path: string): Promise<string[]>
}

/** Options of {@link createJournal}. */
export interface JournalOptions {
  /** The file system. @default node:fs/promises */
  readonly fs?: JournalFs
}

/** One history entry: `.mega/journal/history/<name>.json`. */
export interface HistoryEntry {
  readonly version: typeof SCHEMA_FORMAT_VERSION
  /** `<14 digits>-<kebab-name>`, the migration file's name without extension. */
  readonly name: string
  readonly operations: readonly MigrationOperation[]
  /** The schema after this migration. */
  readonly snapshot: DatabaseSchema
}

/** Reads and writes one project's journal. */
export interface Journal {
  readonly snapshotPath: string
  readonly historyDir: string
  /** The committed snapshot; the empty schema when there is none yet. */
  readSnapshot(): Promise<DatabaseSchema>
  writeSnapshot(schema: DatabaseSchema): Promise<void>
  /** Every history entry, sorted by name. */
  readHistory(): Promise<HistoryEntry[]>
  /** Writes a new entry; refuses (`MEGA_DB_MIGRATION_INVALID`) when it exists. Returns its path. */
  writeHistoryEntry(entry: HistoryEntry): Promise<string>
}

/**
 * The journal of the project at `root`.
 *
 * @example
 * const journal = createJournal(process.cwd())
 * const snapshot = await journal.readSnapshot()
 */
export function createJournal(root: string, options: JournalOptions = {}): Journal {
  const fs = options.fs ?? nodeFs
  const snapshotPath = join(root, JOURNAL_DIR, 'snapshot.json')
  const historyDir = join(root, JOURNAL_DIR, 'history')
  return {
    snapshotPath,
    historyDir,
    async readSnapshot() {
      const text = await readOptional(fs, snapshotPath)
      if (text === undefined) return EMPTY_SCHEMA
      return parseJson(snapshotFileSchema, text, snapshotPath) as DatabaseSchema
    },
    writeSnapshot: (schema) => writeFileAtomic(fs, snapshotPath, toJson(schema), true),
    async readHistory() {
      const names = (await readdirOptional(fs, historyDir)).filter((n) => n.endsWith('.json'))
      const entries = names.sort().map(async (name) => {
        const path = join(historyDir, name)
        return parseJson(historyFileSchema, await fs.readFile(path, 'utf8'), path) as HistoryEntry
      })
      return Promise.all(entries)
    },
    async writeHistoryEntry(entry) {
      const path = join(historyDir, `${entry.name}.json`)
      await writeFileAtomic(fs, path, toJson(entry), false)
      return path
    },
  }
}

/** JSON as the journal writes it: two-space indent, final newline. */
function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

/**
 * Writes `text` to `path` atomically: readers see the old file or the new one, never a part. With
 * `overwrite: false` an existing file is refused (`MEGA_DB_MIGRATION_INVALID`) and left unchanged.
 */
export async function writeFileAtomic(
  fs: JournalFs,
  path: string,
  text: string,
  overwrite: boolean,
): Promise<void> {
  await fs.mkdir(dirname(path), { recursive: true })
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  await fs.writeFile(temp, text)
  let moved = false
  try {
    if (overwrite) await fs.rename(temp, path)
    else await fs.link(temp, path)
    moved = overwrite
  } catch (error) {
    if (!overwrite && errorCode(error) === 'EEXIST')
      throw dbError('MEGA_DB_MIGRATION_INVALID', `Refusing to overwrite ${path}`, { cause: error })
    throw error
  } finally {
    if (!moved) await fs.unlink(temp).catch(() => undefined)
  }
}

async function readOptional(fs: JournalFs, path: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path, 'utf8')
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined
    throw error
  }
}

async function readdirOptional(fs: JournalFs, path: string): Promise<string[]> {
  try {
    return await fs.readdir(path)
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return []
    throw error
  }
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { code?: unknown }).code
    : undefined
}

const columnFileSchema = z.looseObject({
  name: z.string(),
  type: z.enum(COLUMN_TYPES.filter((t) => t !== 'reference') as [ColumnSchema['type']]),
  nullable: z.boolean(),
})
const tableFileSchema = z.looseObject({
  name: z.string(),
  columns: z.array(columnFileSchema),
  primaryKey: z.string(),
  indexes: z.array(
    z.looseObject({ name: z.string(), columns: z.array(z.string()), unique: z.boolean() }),
  ),
})
const snapshotFileSchema = z.looseObject({
  version: z.literal(SCHEMA_FORMAT_VERSION),
  tables: z.record(z.string(), tableFileSchema),
})
const historyFileSchema = z.looseObject({
  version: z.literal(SCHEMA_FORMAT_VERSION),
  name: z.string().regex(/^\d{14}-[a-z0-9-]+$/),
  operations: z.array(z.looseObject({ op: z.string() })),
  snapshot: snapshotFileSchema,
})

function parseJson(schema: z.ZodType, text: string, path: string): unknown {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw dbError('MEGA_DB_SCHEMA_INVALID', `${path} is not valid JSON`, { cause: error })
  }
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issues = zodIssues(result.error, '')
  throw dbError(
    'MEGA_DB_SCHEMA_INVALID',
    `${path} is not a valid journal file: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    { issues },
  )
}
