// `mega migrate make`: scan the models, diff them against the committed snapshot, and write a
// readable migration file, its history entry and the new snapshot. Non-interactive: renames come
// only from `renamedFrom`, destructive changes only with `allowDestructive`.
import * as nodeFs from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'
import { dbError } from '../errors.js'
import { diffSchemas, invertOperations } from './differ.js'
import { createJournal, writeFileAtomic, type JournalFs } from './journal.js'
import { loadModels, type ModelImporter } from './load-models.js'
import { migrationNameFor } from './migration-name.js'
import { DEFAULT_MIGRATION_APP } from './migration-files.js'
import { SCHEMA_FORMAT_VERSION, type MigrationOperation } from './migration-types.js'
import { scanModels, type ScannableModel } from './model-scan.js'
import { applyOperation } from './schema-builder.js'

/** Options of {@link generateMigration}. */
export interface GenerateMigrationOptions {
  /** The project root (holds `apps/` and `.mega/`). */
  readonly root: string
  /** The app whose `migrations/` folder receives the file. @default 'main' */
  readonly app?: string
  /**
   * What the migration does, e.g. `'add user age'` (written kebab-case: `add-user-age`).
   * @default from the operations, see {@link migrationNameFor} (`create-links`, `add-email-to-users`)
   */
  readonly name?: string
  /** The models. @default the exports of `apps/<app>/models/*-model.{js,ts}` */
  readonly models?: readonly ScannableModel[]
  /** Allow dropping tables/columns and narrowing columns. @default false */
  readonly allowDestructive?: boolean
  /** The wall clock that stamps the file (UTC `YYYYMMDDHHmmss`). @default () => new Date() */
  readonly clock?: () => Date
  /** Imports model files when `models` is not given. @default dynamic `import()` */
  readonly importer?: ModelImporter
  /** The file system. @default node:fs/promises */
  readonly fs?: JournalFs
}

/** What {@link generateMigration} wrote. */
export interface GeneratedMigration {
  /** `<stamp>-<kebab-name>`. */
  readonly name: string
  /** Absolute path of `apps/<app>/migrations/<name>.ts`. */
  readonly file: string
  /** Absolute path of `.mega/journal/history/<name>.json`. */
  readonly historyFile: string
  /** The `up` operations. */
  readonly operations: readonly MigrationOperation[]
  /** The `down` operations. */
  readonly down: readonly MigrationOperation[]
}

const fn = <T>() => z.custom<T>((v) => typeof v === 'function', 'expected a function')
const nameSchema = z
  .string()
  .refine((n) => toKebabCase(n) !== '', 'the name needs at least one letter or digit')
const optionsSchema = z.object({
  root: z.string().min(1),
  app: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'app names are letters, digits, _ and -')
    .default(DEFAULT_MIGRATION_APP),
  name: nameSchema.optional(),
  models: z.array(z.custom<ScannableModel>((v) => typeof v === 'object' && v !== null)).optional(),
  allowDestructive: z.boolean().default(false),
  clock: fn<() => Date>().default(() => () => new Date()),
  importer: fn<ModelImporter>().optional(),
  fs: z.custom<JournalFs>((v) => typeof v === 'object' && v !== null).optional(),
})

const emptyOptionsSchema = optionsSchema.extend({ name: nameSchema })

/**
 * Generates the next migration of an app from its models: the file
 * `apps/<app>/migrations/<stamp>-<name>.ts` (with `up` and `down`), the history entry and the new
 * snapshot; without a `name`, it is named after what it does (`create-links-and-users`). Returns `null`, writing nothing, when the models match the snapshot. Refuses
 * (`MEGA_DB_MIGRATION_INVALID`) to overwrite a file or to write a migration that would sort before
 * an existing one; destructive changes need `allowDestructive` (`MEGA_DB_MIGRATION_DESTRUCTIVE`).
 *
 * @example
 * const result = await generateMigration({ root: process.cwd(), name: 'add user age' })
 * if (result !== null) console.log(`wrote ${result.file}`)
 */
export async function generateMigration(
  options: GenerateMigrationOptions,
): Promise<GeneratedMigration | null> {
  const opts = parseOptions(optionsSchema, options, 'generateMigration')
  const fs = opts.fs ?? nodeFs
  const journal = createJournal(opts.root, { fs })
  const models =
    opts.models ?? (await loadModels({ root: opts.root, app: opts.app, ...seams(opts) }))
  const { schema, renames } = scanModels(models)
  const before = await journal.readSnapshot()
  const operations = diffSchemas(before, schema, {
    renames,
    allowDestructive: opts.allowDestructive,
  })
  if (operations.length === 0) return null
  const now = opts.clock()
  const name = `${migrationStamp(now)}-${toKebabCase(opts.name ?? migrationNameFor(operations))}`
  const dir = join(opts.root, 'apps', opts.app, 'migrations')
  await assertSortsLast(fs, name, [dir, journal.historyDir])
  const down = invertOperations(operations)
  const file = join(dir, `${name}.ts`)
  const snapshot = operations.reduce(applyOperation, before)
  await writeFileAtomic(fs, file, renderMigration(operations, down, now), false)
  let historyFile: string | undefined
  try {
    historyFile = await journal.writeHistoryEntry({
      version: SCHEMA_FORMAT_VERSION,
      name,
      operations,
      snapshot,
    })
    await journal.writeSnapshot(snapshot)
  } catch (error) {
    for (const path of [file, historyFile])
      if (path !== undefined) await fs.unlink(path).catch(() => undefined)
    throw error
  }
  return { name, file, historyFile, operations, down }
}

/** Options of {@link generateEmptyMigration}. */
export type GenerateEmptyMigrationOptions = Pick<
  GenerateMigrationOptions,
  'root' | 'app' | 'clock' | 'fs'
> & {
  /** What the migration does, e.g. `'backfill slugs'` (written kebab-case). */
  readonly name: string
}

/**
 * Writes a hand-written migration to fill in: `apps/<app>/migrations/<stamp>-<name>.ts` whose `up`
 * and `down` do nothing yet (a data migration, an index the models cannot express, SQL of one
 * dialect through `schema.raw`). The models' snapshot is not touched: `migrate make` still sees every
 * model change. Refuses (`MEGA_DB_MIGRATION_INVALID`) a name that would not sort last.
 *
 * @example
 * const { file } = await generateEmptyMigration({ root: process.cwd(), name: 'backfill slugs' })
 */
export async function generateEmptyMigration(
  options: GenerateEmptyMigrationOptions,
): Promise<{ readonly name: string; readonly file: string }> {
  const opts = parseOptions(emptyOptionsSchema, options, 'generateEmptyMigration')
  const fs = opts.fs ?? nodeFs
  const now = opts.clock()
  const name = `${migrationStamp(now)}-${toKebabCase(opts.name)}`
  const dir = join(opts.root, 'apps', opts.app, 'migrations')
  await assertSortsLast(fs, name, [dir, createJournal(opts.root, { fs }).historyDir])
  const file = join(dir, `${name}.ts`)
  await writeFileAtomic(fs, file, renderEmptyMigration(now), false)
  return { name, file }
}

function renderEmptyMigration(createdAt: Date): string {
  return [
    `// Hand-written migration, created on ${createdAt.toISOString()}. Once applied, what it does must`,
    '// not change (the runner checks a checksum of its operations): add a new migration instead.',
    "import type { MigrationSchema } from '@mega/db'",
    '',
    'export function up(schema: MigrationSchema): void {',
    '  // e.g. schema.raw("UPDATE links SET slug = lower(title) WHERE slug IS NULL")',
    '  void schema',
    '}',
    '',
    'export function down(schema: MigrationSchema): void {',
    '  // what undoes up(), or nothing when it cannot be undone',
    '  void schema',
    '}',
    '',
  ].join('\n')
}

function seams(opts: { readonly importer?: ModelImporter | undefined }): {
  importer?: ModelImporter
} {
  return opts.importer === undefined ? {} : { importer: opts.importer }
}

/** `YYYYMMDDHHmmss` of a date, in UTC. */
export function migrationStamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14)
}

/** `'Add user Age!'` → `'add-user-age'`; camelCase is split (`addAge` → `add-age`). */
export function toKebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

async function assertSortsLast(
  fs: JournalFs,
  name: string,
  dirs: readonly string[],
): Promise<void> {
  for (const dir of dirs) {
    const names = await fs.readdir(dir).catch((error: unknown) => {
      if ((error as { code?: unknown } | null)?.code === 'ENOENT') return []
      throw error
    })
    const later = names
      .filter((n) => /^\d{14}-/.test(n))
      .map((n) => n.replace(/\.(ts|js|json)$/, ''))
      .filter((n) => n >= name)
    if (later.length > 0)
      throw dbError(
        'MEGA_DB_MIGRATION_INVALID',
        `Refusing to write migration ${name}: ${join(dir, later[0] ?? '')} exists and ${name} would not sort after it (is the clock behind, or was it generated in the same second?)`,
        { details: { existing: later } },
      )
  }
}

/** The text of a migration file whose `up` and `down` record `up` and `down`. */
export function renderMigration(
  up: readonly MigrationOperation[],
  down: readonly MigrationOperation[],
  generatedAt: Date,
): string {
  return [
    `// Generated by @mega/db from the models on ${generatedAt.toISOString()}. Review it before`,
    '// applying it; once applied, what it does must not change (the runner checks a checksum of',
    '// its operations: reformatting or re-commenting it is fine).',
    "import type { MigrationSchema } from '@mega/db'",
    '',
    renderFunction('up', up),
    '',
    renderFunction('down', down),
    '',
  ].join('\n')
}

function renderFunction(name: 'up' | 'down', operations: readonly MigrationOperation[]): string {
  const calls = operations.map((op) => renderCall(op))
  return [`export function ${name}(schema: MigrationSchema): void {`, ...calls, '}'].join('\n')
}

function renderCall(op: MigrationOperation): string {
  const args = callArguments(op)
  const oneLine = `  schema.${op.op}(${args.map((a) => literal(a, '')).join(', ')})`
  if (oneLine.length <= 100 && !oneLine.includes('\n')) return oneLine
  const last = args.at(-1)
  const head = args.slice(0, -1).map((a) => literal(a, ''))
  const hugged = `  schema.${op.op}(${[...head, literal(last, '  ')].join(', ')})`
  if (head.every((h) => !h.includes('\n')) && (hugged.split('\n')[0] ?? '').length <= 100)
    return hugged
  return `  schema.${op.op}(\n${args.map((a) => `    ${literal(a, '    ')},`).join('\n')}\n  )`
}

function callArguments(op: MigrationOperation): unknown[] {
  switch (op.op) {
    case 'createTable':
      return [op.table]
    case 'dropTable':
      return [op.table, op.previous]
    case 'renameTable':
      return [op.from, op.to]
    case 'addColumn':
      return [op.table, op.column]
    case 'dropColumn':
      return [op.table, op.column, op.previous]
    case 'renameColumn':
      return [op.table, op.from, op.to]
    case 'alterColumn':
      return [op.table, op.from, op.to]
    case 'createIndex':
    case 'dropIndex':
      return [op.table, op.index]
    case 'rebuildTable':
      return [op.table]
    case 'raw':
      return op.dialect ? [op.sql, op.dialect] : [op.sql]
  }
}

/** A TypeScript literal for plain JSON data; objects and arrays break over lines past width 100. */
function literal(value: unknown, indent: string): string {
  const inline = inlineLiteral(value)
  if (indent.length + inline.length <= 96 || typeof value !== 'object' || value === null)
    return inline
  const inner = `${indent}  `
  if (Array.isArray(value))
    return `[\n${value.map((v) => `${inner}${literal(v, inner)},`).join('\n')}\n${indent}]`
  const lines = entries(value).map(([k, v]) => `${inner}${key(k)}: ${literal(v, inner)},`)
  return `{\n${lines.join('\n')}\n${indent}}`
}

function inlineLiteral(value: unknown): string {
  if (typeof value === 'string') return quote(value)
  if (Array.isArray(value)) return `[${value.map(inlineLiteral).join(', ')}]`
  if (typeof value === 'object' && value !== null) {
    const parts = entries(value).map(([k, v]) => `${key(k)}: ${inlineLiteral(v)}`)
    return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`
  }
  return JSON.stringify(value) ?? 'undefined'
}

function entries(value: object): [string, unknown][] {
  return Object.entries(value).filter(([, v]) => v !== undefined)
}

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name)
}

function quote(text: string): string {
  if (text.includes("'") && !text.includes('"')) return JSON.stringify(text)
  return `'${JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`
}
