import { run } from './cli.js'
import { createProcessIo } from './io.js'
import { LOADER_ENV, loaderArgs } from './internal/loader.js'
import { runsBuild } from './internal/build-files.js'
import { parseArgs, resolveCommand } from './internal/parse-args.js'
import { COMMANDS } from './options.js'
import { spawn } from 'node:child_process'

/** The command imports the app's TypeScript (not a build of it): it needs the loader. */
function loadsApp(argv: readonly string[]): boolean {
  const [name, ...rest] = argv
  if (name === undefined || rest.includes('--help') || rest.includes('-h')) return false
  try {
    const command = resolveCommand(name)
    return COMMANDS[command].loadsApp && !runsBuild(parseArgs(command, rest), process.cwd())
  } catch {
    return false // run() reports the unknown command or option
  }
}

/**
 * Re-runs `mega` under `node --import tsx`; SIGINT stays with the child, SIGTERM and SIGHUP (a
 * cluster's rolling restart) are passed on.
 */
function reexecWithLoader(argv: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, loaderArgs(argv), {
    stdio: 'inherit',
    env: { ...process.env, [LOADER_ENV]: '1' },
  })
  const ignore = () => undefined
  const forward = () => child.kill('SIGTERM')
  const forwardHup = () => child.kill('SIGHUP')
  process.on('SIGINT', ignore)
  process.on('SIGTERM', forward)
  process.on('SIGHUP', forwardHup)
  return new Promise((resolve) => {
    child.on('error', () => resolve(1))
    child.on('close', (code, signal) => {
      process.off('SIGINT', ignore)
      process.off('SIGTERM', forward)
      process.off('SIGHUP', forwardHup)
      resolve(code ?? (signal === 'SIGTERM' ? 143 : 1))
    })
  })
}

/**
 * The `mega` bin: commands that import the app's TypeScript run in a child Node with the tsx loader
 * (Node 20 cannot load `.ts`); everything else runs here, and so does a command that runs the
 * project's build (`mega start` after `mega build`): no loader, no esbuild process, one process.
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  if (process.env[LOADER_ENV] !== '1' && loadsApp(argv)) return reexecWithLoader(argv)
  return run(argv, createProcessIo())
}
