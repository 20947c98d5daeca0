import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { cliError } from '../errors.js'
import type { CliIo } from '../io.js'
import { findProjectRoot } from '../internal/project.js'
import { runProcess } from '../internal/run-process.js'
import type { ParsedArgs } from '../options.js'

/** The app's own vitest entry (`vitest.mjs`); `MEGA_CLI_PACKAGE_MISSING` when it has none. */
export function resolveVitest(root: string): string {
  try {
    const pkg = createRequire(join(root, 'package.json')).resolve('vitest/package.json')
    return join(dirname(pkg), 'vitest.mjs')
  } catch (err) {
    throw cliError(
      'MEGA_CLI_PACKAGE_MISSING',
      `mega test runs the app's vitest, which is not installed in ${root}: add it (pnpm add -D vitest).`,
      { cause: err },
    )
  }
}

/** `mega test [--watch] [-- vitest args]`: the app's tests with its own vitest, under NODE_ENV=test. */
export async function testCommand(parsed: ParsedArgs<'test'>, io: CliIo): Promise<number> {
  const root = findProjectRoot(io.cwd, parsed.options.root, 'test')
  const args = [resolveVitest(root), parsed.options.watch ? 'watch' : 'run', ...parsed.rest]
  const result = await runProcess(process.execPath, args, {
    cwd: root,
    // NODE_ENV=test: the config's env('DATABASE_URL') names the test database (see @mega/core env()).
    env: { ...process.env, ...io.env, NODE_ENV: 'test' },
    forwardSignals: true,
  })
  return result.code
}
