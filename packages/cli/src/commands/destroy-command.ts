import { existsSync } from 'node:fs'
import { readdir, rm, rmdir } from 'node:fs/promises'
import { join } from 'node:path'
import { cliError } from '../errors.js'
import {
  destroyMigration,
  findCreatingMigration,
  findNamedMigration,
  type DestroyedMigration,
  type DestroyMigrationInput,
} from '../generators/destroy-migration.js'
import { generatorTargets, templateKind } from '../generators/generators.js'
import type { ScaffoldDialect } from '../generators/mongo-scaffold.js'
import { detectScaffoldLayout, scaffoldTargets } from '../generators/scaffold-generator.js'
import { createColors, type CliIo } from '../io.js'
import { NAME_PATTERN, toTable } from '../internal/names.js'
import { findProjectRoot } from '../internal/project.js'
import { projectDb, type ConnectDb, type DbModule } from '../internal/project-db.js'
import { DESTROY_KINDS, type DestroyKind, type ParsedArgs } from '../options.js'
import { checkKindOf } from './generate-command.js'

/** Options of {@link destroy}. */
export interface DestroyOptions {
  readonly root: string
  /** One of `DESTROY_KINDS`: a generator kind, or `scaffold`. */
  readonly kind: string
  /** The name given to generate or scaffold; for `migration`, its name or 14-digit stamp. */
  readonly name: string
  /** @default 'main' */
  readonly app?: string
  /** List what would be removed and remove nothing. @default false */
  readonly dryRun?: boolean
  /** How `@mega/db` is imported. @default the project's (else this CLI's) */
  readonly importDb?: (root: string) => Promise<DbModule>
  /** How the `db` adapter is connected (to ask whether the migration is applied). */
  readonly connect?: ConnectDb
  /** The scaffold's dialect. @default from the config, as `mega scaffold` decides */
  readonly dialect?: ScaffoldDialect
}

/** What {@link destroy} removed (or would remove), relative to the root. */
export interface DestroyResult {
  readonly removed: readonly string[]
  /** Files the generator would have written that are not there. */
  readonly skipped: readonly string[]
  /** Generator-owned folders left empty and removed (`apps/<app>/views/<plural>`). */
  readonly folders: readonly string[]
  /** The migration the generator made, when one was found. */
  readonly migration?: DestroyedMigration
  /** What is left to do by hand, line by line. @default [] */
  readonly next: readonly string[]
}

const MIGRATION_REF = /^(?:\d{14}(?:-[a-z0-9]+(?:-[a-z0-9]+)*)?|[A-Za-z][A-Za-z0-9_-]*)$/

function checkName(kind: DestroyKind, name: string): void {
  if ((kind === 'migration' ? MIGRATION_REF : NAME_PATTERN).test(name)) return
  throw cliError(
    'MEGA_CLI_INVALID_ARGUMENT',
    name === ''
      ? `mega destroy ${kind}: give its name, e.g. mega destroy ${kind} order-item.`
      : `mega destroy: "${name}" is not a valid name: use letters, digits, "-" or "_", starting with a letter${kind === 'migration' ? ', or a migration stamp (20260612092543)' : ''}. Nothing was removed.`,
  )
}

/** The files and owned folders the generator of `kind` writes for `name`. */
async function targets(options: DestroyOptions, kind: DestroyKind, app: string) {
  if (kind === 'migration') return { files: [], folders: [] }
  if (kind === 'scaffold')
    return scaffoldTargets(
      await detectScaffoldLayout(options.root, app, options.name, options.dialect),
    )
  return { files: generatorTargets(templateKind(kind)!, { app, name: options.name }), folders: [] }
}

async function findMigration(input: DestroyMigrationInput, kind: DestroyKind, name: string) {
  if (kind === 'migration') return findNamedMigration(input, name)
  if (kind === 'model' || kind === 'scaffold') return findCreatingMigration(input, toTable(name))
  return undefined
}

/** Removes the files (unless `dryRun`), then the owned folders they leave empty. */
async function removeFiles(
  root: string,
  files: readonly string[],
  owned: readonly string[],
  dryRun: boolean,
): Promise<string[]> {
  if (!dryRun) await Promise.all(files.map((f) => rm(join(root, f))))
  const folders: string[] = []
  for (const folder of owned) {
    const dir = join(root, folder)
    if (!existsSync(dir)) continue
    const left = (await readdir(dir)).filter((e) => !files.includes(`${folder}/${e}`))
    if (left.length > 0) continue
    if (!dryRun) await rmdir(dir)
    folders.push(folder)
  }
  return folders
}

function nextSteps(kind: DestroyKind, name: string, app: string, m: DestroyedMigration) {
  const flag = app === 'main' ? '' : ` --app ${app}`
  if (m.outcome === 'removed') return []
  if (m.outcome === 'unreachable')
    return [
      `start the database and run npx mega destroy ${kind} ${name}${flag} again to take back ${m.file}.`,
    ]
  if (kind === 'migration')
    return [
      m.outcome === 'applied'
        ? `it is applied: npx mega migrate down${flag} reverts it, then run npx mega destroy migration ${name}${flag} again.`
        : 'destroy the later ones first, or generate a new migration that undoes it.',
    ]
  const table = toTable(name)
  return [
    `the ${table} table stays until a migration drops it (the models no longer have it):`,
    `  npx mega generate migration drop-${table.replace(/_/g, '-')} --allow-destructive${flag}`,
    `  npx mega migrate up${flag}`,
  ]
}

/**
 * Removes what `mega generate <kind> <name>` or `mega scaffold <name>` wrote: exactly the files that
 * generator writes for the name (missing ones are skipped), the generator-owned folders they leave
 * empty, and — for model, scaffold and migration — the migration it made, while it is the last one
 * and the database has not applied it (through `@mega/db`'s `removeLastMigration`). An applied
 * migration stays, with the steps that drop its table; a database that does not answer keeps it.
 * Finding nothing at all is `MEGA_CLI_NOTHING_TO_DESTROY`.
 *
 * @example
 * const { removed, migration } = await destroy({ root: process.cwd(), kind: 'scaffold', name: 'Post' })
 */
export async function destroy(options: DestroyOptions): Promise<DestroyResult> {
  const kind = checkKindOf('destroy', options.kind, DESTROY_KINDS)
  const { root, name } = options
  checkName(kind, name)
  const app = options.app ?? 'main'
  const dryRun = options.dryRun === true
  const { files, folders: owned } = await targets(options, kind, app)
  const present = files.filter((f) => existsSync(join(root, f)))
  const needsDb = kind === 'migration' || kind === 'model' || kind === 'scaffold'
  const db = needsDb ? await (options.importDb ?? projectDb)(root) : undefined
  const input = db === undefined ? undefined : { root, app, db, dryRun, ...connectOf(options) }
  const migrationName = input === undefined ? undefined : await findMigration(input, kind, name)
  if (present.length === 0 && migrationName === undefined) throw nothingFound(kind, name, files)
  const migration =
    input === undefined || migrationName === undefined
      ? undefined
      : await destroyMigration(input, migrationName)
  const folders = await removeFiles(root, present, owned, dryRun)
  return {
    removed: present,
    skipped: files.filter((f) => !present.includes(f)),
    folders,
    ...(migration === undefined ? {} : { migration }),
    next: migration === undefined ? [] : nextSteps(kind, name, app, migration),
  }
}

function connectOf(options: DestroyOptions): { connect?: ConnectDb } {
  return options.connect === undefined ? {} : { connect: options.connect }
}

function nothingFound(kind: DestroyKind, name: string, files: readonly string[]) {
  const looked = [
    ...files,
    ...(kind === 'model' || kind === 'scaffold'
      ? [`a migration creating the ${toTable(name)} table`]
      : []),
    ...(kind === 'migration' ? [`a migration named or stamped ${name}`] : []),
  ]
  return cliError(
    'MEGA_CLI_NOTHING_TO_DESTROY',
    `mega destroy ${kind} ${name}: nothing to remove; looked for ${looked.join(', ')}. Check the name and --app.`,
    { details: { looked } },
  )
}

/** `mega destroy <kind> <name>`. */
export async function destroyCommand(parsed: ParsedArgs<'destroy'>, io: CliIo): Promise<number> {
  const kind = checkKindOf('destroy', parsed.args[0]!, DESTROY_KINDS)
  const root = findProjectRoot(io.cwd, parsed.options.root, 'destroy')
  const { dryRun } = parsed.options
  const result = await destroy({
    root,
    kind,
    name: parsed.args[1]!,
    app: parsed.options.app,
    dryRun,
  })
  printResult(io, result, dryRun)
  return 0
}

function printResult(io: CliIo, result: DestroyResult, dryRun: boolean): void {
  const c = createColors(io)
  const removed = dryRun ? c.yellow('would remove') : c.red('removed')
  for (const file of result.removed) io.stdout(`${removed} ${file}\n`)
  for (const file of result.skipped) io.stdout(`${c.dim('skipped')} ${file} (not found)\n`)
  for (const folder of result.folders) io.stdout(`${removed} ${folder}/\n`)
  const m = result.migration
  if (m?.outcome === 'removed') {
    const restored = dryRun ? c.yellow('would restore') : c.green('restored')
    for (const file of [m.file, ...m.journal])
      io.stdout(`${file.endsWith('snapshot.json') ? restored : removed} ${file}\n`)
  } else if (m?.outcome === 'unreachable')
    io.stderr(
      `${c.yellow('warning')} ${m.warning ?? ''}: kept ${m.file}: could not ask the database whether it is applied: ${m.reason ?? ''}\n`,
    )
  else if (m !== undefined)
    io.stdout(
      `${c.yellow('kept')} ${m.file} (${m.outcome === 'applied' ? 'the database has applied it' : 'later migrations follow it'})\n`,
    )
  for (const line of result.next) io.stdout(`${line}\n`)
}
