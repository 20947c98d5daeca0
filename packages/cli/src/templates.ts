import { readFileSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The templates shipped in the package (`templates/`, listed in `files`): no network needed. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../templates/', import.meta.url))

/** This package's version (what a new project depends on, as `^version`). */
export const CLI_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
).version

/**
 * The third-party versions a new project starts with: the workspace catalog's ranges (a test keeps
 * them in step with pnpm-workspace.yaml).
 */
export const TEMPLATE_VERSIONS = Object.freeze({
  megaRange: `^${CLI_VERSION}`,
  zodRange: '^4.1.0',
  vitestRange: '~4.1.0',
  typescriptRange: '~6.0.3',
  typesNodeRange: '~20.19.0',
  // The database drivers (`mega new --db`): @mega/db leaves the driver to the app.
  betterSqliteRange: '~12.11.0',
  pgRange: '^8.16.0',
  mysqlRange: '^3.15.0',
  mongodbRange: '^7.0.0',
})

/** One file of a template tree: its path in the output and its rendered text. */
export interface TemplateFile {
  readonly path: string
  readonly content: string
}

/**
 * Replaces every `{{key}}` with `vars[key]`. A placeholder without a value is a bug in the template,
 * so it throws rather than writing `undefined` into a user's file.
 *
 * @example
 * renderTemplate('export const {{Name}} = 1', { Name: 'User' }) // 'export const User = 1'
 */
export function renderTemplate(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (_, key: string) => {
    const value = vars[key]
    if (value === undefined) throw new Error(`Template placeholder {{${key}}} has no value.`)
    return value
  })
}

/** `_gitignore.tpl` → `.gitignore`, `apps/main/x.ts.tpl` → `apps/main/x.ts` (npm drops dotfiles). */
export function templateTarget(path: string): string {
  return path
    .replace(/\.tpl$/, '')
    .split('/')
    .map((part) => (part.startsWith('_') ? `.${part.slice(1)}` : part))
    .join('/')
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.tpl'))
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort()
}

/** Reads and renders every `.tpl` file under `templates/<name>/`, with its output path. */
export async function renderTemplateTree(
  name: string,
  vars: Readonly<Record<string, string>>,
): Promise<TemplateFile[]> {
  const dir = join(TEMPLATES_DIR, name)
  const files = await listFiles(dir)
  return Promise.all(
    files.map(async (file) => ({
      path: templateTarget(file),
      content: renderTemplate(await readFile(join(dir, file), 'utf8'), vars),
    })),
  )
}

/** Renders one template file, `templates/<path>`. */
export async function renderTemplateFile(
  path: string,
  vars: Readonly<Record<string, string>>,
): Promise<string> {
  return renderTemplate(await readFile(join(TEMPLATES_DIR, path), 'utf8'), vars)
}
