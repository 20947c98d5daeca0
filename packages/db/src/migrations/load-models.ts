import { DEFAULT_MIGRATION_APP } from './migration-files.js'
// Finds an app's models: every export of `apps/<app>/models/*-model.{js,ts}` that is a model.
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { dbError } from '../errors.js'
import type { AnyModel } from '../model/define-model.js'

/** Imports a module by file URL. */
export type ModelImporter = (url: string) => Promise<Readonly<Record<string, unknown>>>

/** Options of {@link loadModels}. */
export interface LoadModelsOptions {
  /** The project root (holds `apps/`). */
  readonly root: string
  /** The app whose `models/` folder is read. @default 'main' */
  readonly app?: string
  /** Imports a model file. @default dynamic `import()` */
  readonly importer?: ModelImporter
  /** Lists a folder. @default node:fs/promises readdir */
  readonly readdir?: (path: string) => Promise<string[]>
}

const MODEL_FILE = /^[a-z0-9][a-z0-9-]*-model\.(ts|js)$/

/**
 * Imports `apps/<app>/models/*-model.{js,ts}` (sorted by name; when both `x-model.ts` and
 * `x-model.js` exist, only the `.ts` one) and returns every exported model, once each. A missing
 * folder means no models. A file that fails to import: `MEGA_DB_SCHEMA_INVALID` naming it.
 *
 * @example
 * const models = await loadModels({ root: process.cwd(), app: 'main' })
 */
export async function loadModels(options: LoadModelsOptions): Promise<AnyModel[]> {
  const dir = join(options.root, 'apps', options.app ?? DEFAULT_MIGRATION_APP, 'models')
  const importer = options.importer ?? ((url) => import(url) as Promise<Record<string, unknown>>)
  const found = new Set<AnyModel>()
  for (const file of modelFiles(await listOptional(dir, options.readdir ?? readdir))) {
    const path = join(dir, file)
    let exports: Readonly<Record<string, unknown>>
    try {
      exports = await importer(pathToFileURL(path).href)
    } catch (error) {
      throw dbError('MEGA_DB_SCHEMA_INVALID', `Cannot import the model file ${path}`, {
        cause: error,
      })
    }
    for (const value of Object.values(exports)) if (isModel(value)) found.add(value)
  }
  return [...found]
}

function modelFiles(names: readonly string[]): string[] {
  const files = names.filter((n) => MODEL_FILE.test(n)).sort()
  return files.filter((n) => !(n.endsWith('.js') && files.includes(n.replace(/\.js$/, '.ts'))))
}

async function listOptional(
  dir: string,
  list: (path: string) => Promise<string[]>,
): Promise<string[]> {
  try {
    return await list(dir)
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'ENOENT') return []
    throw error
  }
}

/**
 * Whether a value is a model made by `defineModel` (a table name, columns, a primary key and
 * derived schemas).
 *
 * @example
 * Object.values(await import('./users-model.js')).filter(isModel)
 */
export function isModel(value: unknown): value is AnyModel {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<Record<keyof AnyModel, unknown>>
  return (
    typeof v.table === 'string' &&
    typeof v.primaryKey === 'string' &&
    typeof v.columns === 'object' &&
    v.columns !== null &&
    Array.isArray(v.indexes) &&
    typeof v.schemas === 'object'
  )
}
