import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { cliError } from '../errors.js'
import { newProjectAuthFiles } from '../generators/auth-generator.js'
import { createColors, type CliIo } from '../io.js'
import { NAME_PATTERN, toKebab } from '../internal/names.js'
import { runProcess } from '../internal/run-process.js'
import { PACKAGE_MANAGERS, type PackageManager, type ParsedArgs } from '../options.js'
import { runStep } from '../progress.js'
import { TEMPLATE_VERSIONS, renderTemplateTree, type TemplateFile } from '../templates.js'

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
   * (`/api/auth/*`), pages (`/auth/*`) with their views, and the plugins they need. @default false
   */
  readonly auth?: boolean
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

/** The app template's files; with `auth`, the auth files added and same-named files replaced. */
async function projectFiles(
  vars: Readonly<Record<string, string>>,
  options: NewProjectOptions,
): Promise<TemplateFile[]> {
  const base = await renderTemplateTree('app', vars)
  if (options.auth !== true) return base
  const extra = await newProjectAuthFiles(vars)
  const replaced = new Set(extra.map((f) => f.path))
  return [...base.filter((f) => !replaced.has(f.path)), ...extra].sort((a, b) =>
    a.path.localeCompare(b.path),
  )
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
  const vars = { ...TEMPLATE_VERSIONS, name, pm: packageManager, authSection }
  const files = await projectFiles(vars, options)
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
  }
}

/** `mega new <dir>`. */
export async function newCommand(parsed: ParsedArgs<'new'>, io: CliIo): Promise<number> {
  const { force, skipInstall, packageManager, auth } = parsed.options
  const result = await createProject(
    {
      dir: parsed.args[0]!,
      force,
      skipInstall,
      auth,
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
  // --auth: the users table comes from the template's migration, applied before the first sign-up.
  const steps = [
    ...(result.installed ? [] : [`${pm} install`]),
    ...(result.auth ? [`${pm} run migrate`] : []),
    `${pm} run dev`,
  ]
  io.stdout(`  ${c.cyan(steps.join(' && '))}\n`)
  if (result.auth) io.stdout(`Then open /auth/sign-up to create the first account.\n`)
  return 0
}
