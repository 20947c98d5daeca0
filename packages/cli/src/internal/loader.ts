import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** Set in a `mega` process that runs with the TypeScript loader, so it does not re-run itself. */
export const LOADER_ENV = 'MEGA_TS_LOADER'

/** The `mega` bin of this install. */
export const MEGA_BIN = fileURLToPath(new URL('../../bin/mega.js', import.meta.url))

/**
 * The tsx loader as a file URL for `node --import`, resolved from this package's own install (the app
 * need not depend on tsx).
 */
export function tsxLoaderUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
}

/** `node` arguments that run `mega <args>` with the TypeScript loader. */
export function loaderArgs(args: readonly string[], execArgv: readonly string[] = []): string[] {
  return [...execArgv, '--import', tsxLoaderUrl(), MEGA_BIN, ...args]
}
