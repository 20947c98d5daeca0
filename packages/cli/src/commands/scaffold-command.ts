import { cliError } from '../errors.js'
import { migrationGenerator, writeFilesWithMigration } from '../generators/migration-generator.js'
import type { ScaffoldDialect } from '../generators/mongo-scaffold.js'
import { parseScaffoldFields } from '../generators/scaffold-fields.js'
import {
  detectScaffoldLayout,
  resolveScaffoldTargets,
  scaffoldFiles,
  type ModelFileImporter,
} from '../generators/scaffold-generator.js'
import { createColors, type CliIo } from '../io.js'
import { NAME_PATTERN, toTable } from '../internal/names.js'
import { findProjectRoot } from '../internal/project.js'
import { projectDb, type DbModule } from '../internal/project-db.js'
import type { ParsedArgs } from '../options.js'

/** Options of {@link scaffold}. */
export interface ScaffoldOptions {
  readonly root: string
  /** The resource: `Post`, `order-item`. */
  readonly name: string
  /**
   * `title:string`, `body:text?`, `status:enum(draft|published):default(draft)`,
   * `email:string:unique`, `author:references(User)` (see {@link parseScaffoldFields}).
   */
  readonly fields: readonly string[]
  /** @default 'main' */
  readonly app?: string
  /** How `@mega/db` is imported. @default the project's (else this CLI's) */
  readonly importDb?: (root: string) => Promise<DbModule>
  /** How referenced model files are imported. @default dynamic import() */
  readonly importModel?: ModelFileImporter
  /** Stamps the migration. @default () => new Date() */
  readonly clock?: () => Date
  /**
   * Let the migration drop tables or columns whose models were removed (`--allow-destructive`);
   * without it such a migration is refused and nothing is written. @default false
   */
  readonly allowDestructive?: boolean
  /**
   * The project's database: `mongo` writes the MongoDB service and route test.
   * @default from the config: `mongo` when its `db` adapter has `driver: 'mongo'`, else `sql`
   */
  readonly dialect?: ScaffoldDialect
}

/** What {@link scaffold} wrote, relative to the root. */
export interface ScaffoldResult {
  readonly files: readonly string[]
  /** The migration file, or `null` when the models already matched (nothing new to create). */
  readonly migration: string | null
  /** What was left out and why (forms without the forms() and csrf() plugins). @default [] */
  readonly notes?: readonly string[]
}

/**
 * Writes a model, its migration (through `@mega/db`'s `generateMigration`), a service using
 * `createCrud`, REST routes checked by the model's schemas, and a model test and a route test.
 * Fields, names and referenced models are all checked before anything is written; when writing or
 * generating the migration fails, every file written so far is removed again.
 *
 * @example
 * await scaffold({ root: process.cwd(), name: 'Post', fields: ['title:string', 'body:text?'] })
 */
export async function scaffold(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const { root, name } = options
  const app = options.app ?? 'main'
  if (!NAME_PATTERN.test(name))
    throw cliError(
      'MEGA_CLI_INVALID_ARGUMENT',
      `mega scaffold: "${name}" is not a valid name: use letters, digits, "-" or "_", starting with a letter. Nothing was written.`,
    )
  const fields = parseScaffoldFields(options.fields)
  const db = await (options.importDb ?? projectDb)(root)
  const importDb = async () => db as unknown as Record<string, unknown>
  await migrationGenerator(importDb)
  const targets = await resolveScaffoldTargets(root, app, fields, options.importModel)
  const layout = await detectScaffoldLayout(root, app, name, options.dialect)
  const { views, forms } = layout
  const files = await scaffoldFiles({ ...layout, fields, targets })
  const migration = await writeFilesWithMigration(
    {
      root,
      app,
      files,
      command: 'mega scaffold',
      fallbackName: `create-${toTable(name).replace(/_/g, '-')}`,
      allowDestructive: options.allowDestructive === true,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    },
    importDb,
  )
  const notes =
    views && !forms
      ? [
          'new and edit forms were not written: they need forms() and csrf() from @mega/core in plugins (mega.config.ts).',
        ]
      : []
  return {
    files: files.map((f) => f.path),
    migration,
    notes,
  }
}

/** `mega scaffold <name> <field:type...>`. */
export async function scaffoldCommand(parsed: ParsedArgs<'scaffold'>, io: CliIo): Promise<number> {
  const root = findProjectRoot(io.cwd, parsed.options.root, 'scaffold')
  const [name, ...fields] = parsed.args
  const result = await scaffold({
    root,
    name: name!,
    fields,
    app: parsed.options.app,
    allowDestructive: parsed.options.allowDestructive,
  })
  const c = createColors(io)
  for (const file of [...result.files, ...(result.migration === null ? [] : [result.migration])])
    io.stdout(`${c.green('created')} ${file}\n`)
  for (const note of result.notes ?? []) io.stdout(`${c.dim('note:')} ${note}\n`)
  io.stdout(
    `Next: ${c.bold('npx mega migrate up')} to create the table, ${c.bold('npx mega test')} to run the new tests.\n`,
  )
  return 0
}
