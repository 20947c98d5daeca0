import type { MegaRuntime } from '@mega/core'
import type { CliIo } from '../io.js'
import { findProjectRoot, projectBoot, type BootFn } from '../internal/project.js'
import type { ParsedArgs } from '../options.js'

/**
 * Boots the app at `root` and listens, with graceful shutdown on SIGTERM/SIGINT. `NODE_ENV` defaults
 * to `production` (500 messages hidden).
 *
 * @example
 * const runtime = await startApp({ root: process.cwd() })
 */
export async function startApp(
  options: { readonly root: string; readonly env?: NodeJS.ProcessEnv },
  bootFn?: BootFn,
): Promise<MegaRuntime> {
  const env = options.env ?? process.env
  env.NODE_ENV ??= 'production'
  return (bootFn ?? (await projectBoot(options.root)))({
    root: options.root,
    typescript: true,
    signals: true,
  })
}

/** `mega start`: runs until a signal shuts it down. */
export async function startCommand(parsed: ParsedArgs<'start'>, io: CliIo): Promise<number> {
  await startApp({ root: findProjectRoot(io.cwd, parsed.options.root, 'start') })
  return 0
}
