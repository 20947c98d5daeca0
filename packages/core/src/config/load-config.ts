import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { MegaConfigError } from '@mega/observe'
import { defineConfig } from './define-config.js'
import type { MegaConfig } from './config-schema.js'
import { loadEnvFile } from './env.js'

/** Config file names looked for in the project root, in this order. */
export const CONFIG_FILES = ['mega.config.ts', 'mega.config.mjs', 'mega.config.js'] as const

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** The environment `.env` is loaded into and `env()` reads. @default process.env */
  readonly env?: NodeJS.ProcessEnv
  /**
   * The folder the config file is looked for in: a build's output (`mega build` compiles
   * `mega.config.ts` to `<build>/mega.config.js`). `.env` is still read from `root`. @default root
   */
  readonly dir?: string
}

async function importConfig(file: string): Promise<unknown> {
  try {
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown }
    return mod.default
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw new MegaConfigError(
        'config file',
        [
          {
            path: file,
            message:
              'this Node.js cannot load TypeScript by itself: start through `mega dev`/`mega start`, run node with a TypeScript loader (e.g. --import tsx), or write mega.config.js',
          },
        ],
        { cause: err },
      )
    }
    throw err
  }
}

/**
 * Loads `<root>/.env` (never overriding variables already set), then the first config file found
 * (`mega.config.ts`, `.mjs`, `.js`; in `options.dir` when given), and validates it. No file means
 * the defaults.
 */
export async function loadConfig(
  root: string,
  options: LoadConfigOptions = {},
): Promise<MegaConfig> {
  const env = options.env ?? process.env
  loadEnvFile(join(root, '.env'), env)
  const file = CONFIG_FILES.map((name) => join(options.dir ?? root, name)).find((f) =>
    existsSync(f),
  )
  if (file === undefined) return defineConfig({}, env)
  const exported = await importConfig(file)
  if (typeof exported !== 'object' || exported === null) {
    throw new MegaConfigError('config file', [
      {
        path: file,
        message: 'export the configuration as default: `export default defineConfig({ ... })`',
      },
    ])
  }
  // Validated again even when the file called defineConfig: cheap, and the file may export a plain object.
  return defineConfig(exported, env)
}
