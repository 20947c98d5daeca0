import { existsSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { inspect } from 'node:util'
import { createLogger } from '@mega/observe'
import { cliError } from '../errors.js'
import type { CliIo } from '../io.js'
import { detachedShutdown, findProjectRoot, projectBoot, type BootFn } from '../internal/project.js'
import type { ParsedArgs } from '../options.js'
import { buildConsoleContext, type ConsoleContext } from './console-command.js'

/**
 * A one-off script for `mega run <file>` (Rails' `bin/rails runner`): its default export, called with
 * the booted app's `ctx` (the console's: `ctx.services`, `ctx.db()`, `ctx.inject()`…) and the
 * arguments given after `--`. What it returns is printed; what it throws ends the run with exit 1.
 */
export type MegaScript = (ctx: ConsoleContext, args: readonly string[]) => unknown

/**
 * Types a script's default export (an identity function, like `defineRoutes`).
 *
 * @example
 * // scripts/seed.ts — run with `mega run scripts/seed.ts -- 10`
 * import { defineScript } from '@mega/cli'
 * import type { SqlDbAdapter } from '@mega/db'
 * export default defineScript(async (ctx, [count = '3']) => {
 *   const db = ctx.db<SqlDbAdapter>().kysely<{ notes: { text: string } }>()
 *   for (let i = 0; i < Number(count); i++)
 *     await db.insertInto('notes').values({ text: `note ${i}` }).execute()
 *   return { created: Number(count) }
 * })
 */
export function defineScript(script: MegaScript): MegaScript {
  return script
}

/** Options of {@link runScript}. */
export interface RunScriptOptions {
  readonly root: string
  /** The script, relative to `root` or absolute. */
  readonly file: string
  /** Given to the script as its second argument. @default [] */
  readonly args?: readonly string[]
}

/** Injected dependencies of {@link runScript}; each has a real default. */
export interface RunScriptDeps {
  /** @default the project's own `@mega/core` boot */
  readonly boot?: BootFn
}

/**
 * Loads the script, boots the app (not listening, its `.ts` files loaded), awaits the script's
 * default export with `ctx`, then closes the app — every adapter, also when the script throws — and
 * resolves what the script returned.
 *
 * @throws MegaError `MEGA_CLI_INVALID_ARGUMENT` when the file does not exist or has no default
 *   function; whatever the script throws.
 */
export async function runScript(
  options: RunScriptOptions,
  deps: RunScriptDeps = {},
): Promise<unknown> {
  const path = resolve(options.root, options.file)
  const shown = relative(options.root, path) || path
  if (!existsSync(path))
    throw cliError(
      'MEGA_CLI_INVALID_ARGUMENT',
      `mega run: ${shown} does not exist: give the path of a script, relative to the project root.`,
    )
  // Loaded before the boot, so a file without a script opens no connection.
  const script = ((await import(pathToFileURL(path).href)) as { default?: unknown }).default
  if (typeof script !== 'function')
    throw cliError(
      'MEGA_CLI_INVALID_ARGUMENT',
      `mega run: ${shown} has no default export function: end it with "export default defineScript(async (ctx) => { … })" (defineScript from @mega/cli).`,
    )
  const runtime = await (deps.boot ?? (await projectBoot(options.root)))({
    root: options.root,
    listen: false,
    typescript: true,
    shutdown: detachedShutdown(),
    logger: createLogger({ level: 'warn' }),
  })
  try {
    return await (script as MegaScript)(buildConsoleContext(runtime), options.args ?? [])
  } finally {
    await runtime.close()
  }
}

/** `mega run <file> [-- args]`. */
export async function runCommand(parsed: ParsedArgs<'run'>, io: CliIo): Promise<number> {
  const root = findProjectRoot(io.cwd, parsed.options.root, 'run')
  const [file] = parsed.args
  printScriptResult(io, await runScript({ root, file: file!, args: parsed.rest }))
  return 0
}

/** Prints what a script returned (nothing for `undefined`; strings as they are). */
export function printScriptResult(io: CliIo, result: unknown): void {
  if (result !== undefined)
    io.stdout(`${typeof result === 'string' ? result : inspect(result, { depth: 6 })}\n`)
}
