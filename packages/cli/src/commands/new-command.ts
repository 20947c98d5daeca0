import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { cliError } from '../errors.js'
import { newProjectAuthFiles } from '../generators/auth-generator.js'
import { createColors, type CliIo } from '../io.js'
import { NAME_PATTERN, toKebab } from '../internal/names.js'
import { runProcess } from '../internal/run-process.js'
import {
  NEW_DATABASES,
  PACKAGE_MANAGERS,
  type NewDatabase,
  type PackageManager,
  type ParsedArgs,
} from '../options.js'
import { runStep } from '../progress.js'
import { TEMPLATE_VERSIONS, renderTemplateTree, type TemplateFile } from '../templates.js'
import { databaseVars, envFile } from './new-database.js'

/** Options of {@link createProject}. */
export interface NewProjectOptions {
  /** The folder to create, relative to `cwd`; its name (kebab-cased) names the project. */
  readonly dir: string
  /** Write into a folder that is not empty (template files replace same-named files). @default false */
  readonly force?: boolean
  /** Do not install dependencies. @default false */
  readonly skipInstall?: boolean
  /** @default from `npm_config_user_agent`, else npm */
  readonly packageManager?: PackageManager
  /**
   * Add sign-up, sign-in and sign-out: a users model and migration, the auth service, a JSON API
   * (`/api/auth/*`), pages (`/auth/*`) with their views, and the plugins they need. Needs a SQL
   * database. @default false
   */
  readonly auth?: boolean
  /**
   * The database the app is configured for: its `db` adapter, `.env.example` (and `.env` for a
   * server, with a local `<name>_development` database), its driver in `dependencies`, and how the
   * tests reach their database. @default 'sqlite'
   */
  readonly db?: NewDatabase
  /**
   * Leave out the sample notes resource (model, migration, journal, service, routes, tests): the
   * config, the home route and its test. @default false
   */
  readonly bare?: boolean
}

/** Installs dependencies in `root` with `pm`; the seam tests replace. */
export type Installer = (pm: PackageManager, root: string, io: CliIo) => Promise<void>

/** What {@link createProject} did. */
export interface NewProjectResult {
  readonly root: string
  readonly name: string
  readonly files: readonly string[]
  readonly packageManager: PackageManager
  readonly installed: boolean
  /** Whether the project has sign-in (`--auth`): its users table needs `mega migrate up` first. */
  readonly auth: boolean
  /** The database the project is configured for. */
  readonly db: NewDatabase
  /** Whether the sample notes resource was left out (`--bare`). */
  readonly bare: boolean
}

/** The package manager that ran `mega` (`npm_config_user_agent`: `pnpm/10.1 npm/? node/v20...`). */
export function detectPackageManager(env: CliIo['env']): PackageManager {
  const agent = env.npm_config_user_agent ?? ''
  return PACKAGE_MANAGERS.find((pm) => agent.startsWith(`${pm}/`)) ?? 'npm'
}

/** Runs `<pm> install`, with progress; a failure is `MEGA_CLI_INSTALL_FAILED` with its output. */
export const installDependencies: Installer = async (pm, root, io) => {
  const result = await runStep(io, `Installing dependencies with ${pm}`, () =>
    runProcess(pm, ['install'], { cwd: root, capture: true }),
  )
  if (result.code === 0) return
  throw cliError(
    'MEGA_CLI_INSTALL_FAILED',
    `"${pm} install" failed (exit ${result.code}); the project files are in place: fix the problem and run it again in ${root}.\n${result.output.slice(-2000)}`,
  )
}

async function listDir(dir: string): Promise<string[] | undefined> {
  try {
    if (!(await stat(dir)).isDirectory())
      throw cliError(
        'MEGA_CLI_DIR_NOT_EMPTY',
        `${dir} exists and is not a folder: pick another name.`,
      )
    return await readdir(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

async function writeTree(dir: string, files: readonly TemplateFile[]): Promise<void> {
  for (const file of files) {
    await mkdir(dirname(join(dir, file.path)), { recursive: true })
    await writeFile(join(dir, file.path), file.content, { flag: 'wx' })
  }
}

/** Moves the staged tree into place: one rename when the target is new or empty, else file by file. */
async function moveIntoPlace(staging: string, target: string, existing: string[] | undefined) {
  if (existing !== undefined && existing.length === 0) await rmdir(target)
  if (existing === undefined || existing.length === 0) return rename(staging, target)
  for (const entry of await readdir(staging, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const from = join(entry.parentPath, entry.name)
    const to = join(target, relative(staging, from))
    await mkdir(dirname(to), { recursive: true })
    await rename(from, to)
  }
}

/** What the project README says about sign-in (`mega new --auth`). */
const AUTH_README_SECTION = `## Sign-in

\`npx mega migrate up\` creates the users and access_tokens tables; then open /auth/sign-up. The
pages (\`/auth/sign-up\`, \`/auth/sign-in\`, \`/auth/account\`, \`POST /auth/sign-out\`) keep the user in a
cookie session; the JSON API (\`POST /api/auth/register\`, \`POST /api/auth/login\` → a bearer token,
\`POST /api/auth/logout\`, \`GET /api/auth/me\`) takes \`Authorization: Bearer <token>\`. Set
\`SESSION_SECRET\` (32+ characters) in production. Guard your own routes with \`requireUser()\` from
@mega/core; \`ctx.auth.user\` is the signed-in user.

`

/** The sample notes resource: what `--bare` leaves out (the journal too: its only table is notes). */
const NOTES_FILES: ReadonlySet<string> = new Set([
  '.mega/journal/history/20250101000000-create-notes.json',
  '.mega/journal/snapshot.json',
  'apps/main/migrations/20250101000000-create-notes.ts',
  'apps/main/models/note-model.ts',
  'apps/main/routes/notes.ts',
  'apps/main/services/note-service.ts',
  'test/note-model.test.ts',
  'test/notes.test.ts',
])

/** `files` with `extra` added, same-named files replaced, sorted by path. */
function overlay(files: readonly TemplateFile[], extra: readonly TemplateFile[]): TemplateFile[] {
  const replaced = new Set(extra.map((f) => f.path))
  return [...files.filter((f) => !replaced.has(f.path)), ...extra].sort((a, b) =>
    a.path.localeCompare(b.path),
  )
}

/**
 * A journal file of the auth overlay without the notes table (`--bare --auth`): its snapshots
 * describe the schema after the users migration, which then is the only one.
 */
function withoutNotes(file: TemplateFile): TemplateFile {
  if (!file.path.startsWith('.mega/journal/')) return file
  type Schema = { tables: Record<string, unknown> }
  const json = JSON.parse(file.content) as Schema & { snapshot?: Schema }
  delete (json.snapshot ?? json).tables.notes
  return { ...file, content: `${JSON.stringify(json, null, 2)}\n` }
}

/**
 * The app template's files: for MongoDB, its test files replaced; with `bare`, the notes resource
 * left out; with `auth`, the auth files added and same-named files replaced; on a database server,
 * a `.env` naming the local development database.
 */
async function projectFiles(
  vars: Readonly<Record<string, string>>,
  db: NewDatabase,
  options: NewProjectOptions,
): Promise<TemplateFile[]> {
  let files = await renderTemplateTree('app', vars)
  if (db === 'mongo') files = overlay(files, await renderTemplateTree('app-mongo', vars))
  if (options.bare === true) files = files.filter((f) => !NOTES_FILES.has(f.path))
  if (options.auth === true) {
    const auth = await newProjectAuthFiles(vars)
    files = overlay(files, options.bare === true ? auth.map(withoutNotes) : auth)
  }
  const env = envFile(db, databaseVars(db, vars.name!))
  return env === undefined ? files : overlay(files, [{ path: '.env', content: env }])
}

/** Refuses a `db` that is not one of {@link NEW_DATABASES}, and sign-in on MongoDB. */
function checkDatabase(options: NewProjectOptions): NewDatabase {
  const db = options.db ?? 'sqlite'
  if (!NEW_DATABASES.includes(db))
    throw cliError(
      'MEGA_CLI_INVALID_ARGUMENT',
      `mega new: --db must be one of ${NEW_DATABASES.join(', ')}, not "${String(db)}".`,
    )
  if (db === 'mongo' && options.auth === true)
    throw cliError(
      'MEGA_CLI_INVALID_ARGUMENT',
      'mega new: --auth needs a SQL database (its users and access tokens are SQL tables), not mongo: pass --db sqlite, postgres or maria with --auth, or leave --auth out.',
    )
  return db
}

/**
 * Creates a project from the templates shipped in this package: written into a temporary folder next
 * to the target, then moved into place, so a failure leaves nothing half-written. Refuses a folder
 * that is not empty unless `force`. Then installs dependencies unless `skipInstall`.
 *
 * @example
 * await createProject({ dir: 'shop', skipInstall: true }, io)
 */
export async function createProject(
  options: NewProjectOptions,
  io: CliIo,
  install: Installer = installDependencies,
): Promise<NewProjectResult> {
  const db = checkDatabase(options)
  const root = resolve(io.cwd, options.dir)
  const name = toKebab(basename(root))
  if (!NAME_PATTERN.test(name))
    throw cliError(
      'MEGA_CLI_INVALID_ARGUMENT',
      `mega new: "${basename(root)}" cannot name a project: use letters, digits and "-", starting with a letter.`,
    )
  const existing = await listDir(root)
  if (existing !== undefined && existing.length > 0 && options.force !== true)
    throw cliError(
      'MEGA_CLI_DIR_NOT_EMPTY',
      `${root} is not empty (${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ', ...' : ''}): pick a new folder, or pass --force to write into it.`,
    )
  const packageManager = options.packageManager ?? detectPackageManager(io.env)
  const authSection = options.auth === true ? AUTH_README_SECTION : ''
  const vars = {
    ...TEMPLATE_VERSIONS,
    name,
    nameSnake: name.replace(/-/g, '_'),
    pm: packageManager,
    authSection,
    homeTry: options.bare === true ? '' : "\n    try: 'GET /notes, POST /notes',",
    ...databaseVars(db, name),
  }
  const files = await projectFiles(vars, db, options)
  await mkdir(dirname(root), { recursive: true })
  const staging = await mkdtemp(join(dirname(root), `.mega-new-${name}-`))
  try {
    await writeTree(staging, files)
    await moveIntoPlace(staging, root, existing)
  } finally {
    if (existsSync(staging)) await rm(staging, { recursive: true, force: true })
  }
  if (options.skipInstall !== true) await install(packageManager, root, io)
  return {
    root,
    name,
    files: files.map((f) => f.path),
    packageManager,
    installed: options.skipInstall !== true,
    auth: options.auth === true,
    db,
    bare: options.bare === true,
  }
}

const DATABASE_LABELS: Readonly<Record<NewDatabase, string>> = {
  sqlite: 'SQLite',
  postgres: 'PostgreSQL',
  maria: 'MariaDB',
  mongo: 'MongoDB',
}

/** `mega new <dir>`. */
export async function newCommand(parsed: ParsedArgs<'new'>, io: CliIo): Promise<number> {
  const { force, skipInstall, packageManager, auth, bare, db } = parsed.options
  const result = await createProject(
    {
      dir: parsed.args[0]!,
      force,
      skipInstall,
      auth,
      bare,
      db: db as NewDatabase,
      ...(packageManager === undefined ? {} : { packageManager: packageManager as PackageManager }),
    },
    io,
  )
  const c = createColors(io)
  const pm = result.packageManager
  const dir = relative(io.cwd, result.root) || '.'
  io.stdout(
    `${c.green('✓')} Created ${c.bold(result.name)} in ${result.root} (${result.files.length} files)\n\n`,
  )
  io.stdout(`Next:\n  ${c.cyan(`cd ${dir}`)}\n`)
  // A SQL server's development database is created first; --auth: the users table comes from the
  // template's migration, applied before the first sign-up.
  const server = result.db === 'postgres' || result.db === 'maria'
  const steps = [
    ...(result.installed ? [] : [`${pm} install`]),
    ...(server ? ['npx mega db create'] : []),
    ...(result.auth ? [`${pm} run migrate`] : []),
    `${pm} run dev`,
  ]
  io.stdout(`  ${c.cyan(steps.join(' && '))}\n`)
  if (result.db !== 'sqlite')
    io.stdout(`With the ${DATABASE_LABELS[result.db]} server of DATABASE_URL (.env) running.\n`)
  if (result.auth) io.stdout(`Then open /auth/sign-up to create the first account.\n`)
  return 0
}
