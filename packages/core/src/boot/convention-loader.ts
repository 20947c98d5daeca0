import { readdir } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { RouteTable } from '../router/route-types.js'
import { serviceNameFromFile, type ServiceEntry } from '../services/mega-service.js'
import { CORE_ERRORS } from '../errors.js'

const SCRIPT = /\.(m?js|ts)$/

/**
 * `true` when this runtime imports `.ts` by itself: Node 22.6+ type stripping
 * (`process.features.typescript`). Node 20 loads only `.js`/`.mjs`; a test runner (vitest) or a
 * loader (tsx) can, and says so with the `typescript` boot option.
 */
export function runtimeLoadsTypeScript(): boolean {
  const ts = (process.features as { typescript?: unknown }).typescript
  return ts !== undefined && ts !== false
}

async function listModules(dir: string, typescript: boolean, suffix = ''): Promise<string[]> {
  let files: string[]
  try {
    files = await readdir(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  return files
    .filter((f) => SCRIPT.test(f) && !f.endsWith('.d.ts') && !/\.test\.[mc]?[jt]s$/.test(f))
    .filter((f) => typescript || !f.endsWith('.ts'))
    .filter((f) => f.replace(SCRIPT, '').endsWith(suffix))
    .sort()
}

async function importDefault(file: string): Promise<unknown> {
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown }
  if (mod.default === undefined) {
    throw CORE_ERRORS.create('MEGA_APP_INVALID', [
      `${file} has no default export: export default what its folder declares (a route table, a service, a schedule...).`,
    ])
  }
  return mod.default
}

function isRouteTable(value: unknown): value is RouteTable {
  return typeof value === 'object' && value !== null && Array.isArray((value as RouteTable).routes)
}

/** Loads `<dir>/routes/*` (each default-exporting `defineRoutes(...)`), in file-name order. */
export async function loadRouteFiles(
  dir: string,
  typescript = runtimeLoadsTypeScript(),
): Promise<RouteTable[]> {
  const routesDir = join(dir, 'routes')
  const tables: RouteTable[] = []
  for (const file of await listModules(routesDir, typescript)) {
    const table = await importDefault(join(routesDir, file))
    if (!isRouteTable(table)) {
      throw CORE_ERRORS.create('MEGA_APP_INVALID', [
        `${join(routesDir, file)} must export default defineRoutes((r) => ...).`,
      ])
    }
    tables.push(table)
  }
  return tables
}

/** One module found by convention: its file (absolute path) and its default export. */
export interface ConventionModule {
  readonly file: string
  readonly value: unknown
}

/**
 * Loads the default export of every `<dir>/*<suffix>.{js,mjs,ts}` (tests and `.d.ts` left out), in
 * file-name order; none when the folder does not exist. A module without a default export is a
 * `MEGA_APP_INVALID` naming the file.
 */
export async function loadConventionModules(
  dir: string,
  suffix: string,
  typescript = runtimeLoadsTypeScript(),
): Promise<ConventionModule[]> {
  const found: ConventionModule[] = []
  for (const name of await listModules(dir, typescript, suffix)) {
    const file = join(dir, name)
    found.push({ file, value: await importDefault(file) })
  }
  return found
}

/** Loads `<dir>/services/*-service.*`, named after the file (`user-service.js` → `user`). */
export async function loadServiceFiles(
  dir: string,
  typescript = runtimeLoadsTypeScript(),
): Promise<Record<string, ServiceEntry>> {
  const services: Record<string, ServiceEntry> = {}
  for (const { file, value } of await loadConventionModules(
    join(dir, 'services'),
    '-service',
    typescript,
  ))
    services[serviceNameFromFile(basename(file))] = value as ServiceEntry
  return services
}
