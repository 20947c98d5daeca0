import { spawn } from 'node:child_process'

const RUNNER_VARIABLE = /^(VITEST|npm_|PNPM_|TURBO_)|^(NODE_OPTIONS|NODE_ENV|FORCE_COLOR|INIT_CWD)$/

/**
 * The environment for a child that should behave as in a user's shell: no colours, none of the
 * variables the test runners set for themselves (vitest's `VITEST*`, `NODE_OPTIONS`, `NODE_ENV`;
 * pnpm's and npm's `npm_*` config and user agent, which would make a child think pnpm ran it), and no
 * `node_modules/.bin` folders on `PATH`. `extra` is laid on top.
 */
export function userShellEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1' }
  for (const [key, value] of Object.entries(process.env))
    if (!RUNNER_VARIABLE.test(key)) env[key] = value
  env.PATH = (process.env.PATH ?? '')
    .split(':')
    .filter((dir) => !dir.endsWith('node_modules/.bin'))
    .join(':')
  return { ...env, ...extra }
}

/** Options of {@link run}. */
export interface RunOptions {
  readonly cwd: string
  /** @default userShellEnv() */
  readonly env?: NodeJS.ProcessEnv
  /** Text written to the child's stdin, which is then closed. */
  readonly input?: string
}

/**
 * Runs `command args` to completion and resolves its stdout and stderr, interleaved. A non-zero exit
 * rejects with the command line and everything it printed, so a failed step explains itself.
 */
export function run(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? userShellEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let output = ''
    const collect = (chunk: Buffer) => (output += chunk.toString())
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.stdin.end(options.input ?? '')
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (code === 0) resolve(output)
      else
        reject(
          new Error(
            `${command} ${args.join(' ')} (in ${options.cwd}) exited ${code ?? signal}:\n${output}`,
          ),
        )
    })
  })
}

/** A server started by {@link startServer}. */
export interface ServerProcess {
  /** The URL the server logged (`"url":"http://..."`). */
  readonly url: string
  /** Everything the process printed so far. */
  output(): string
  /** Sends SIGTERM and resolves the exit code. */
  stop(): Promise<number | null>
  /** Sends a signal (SIGKILL: a crash) and resolves the exit code. */
  kill(signal: NodeJS.Signals): Promise<number | null>
}

/**
 * Spawns a server process and resolves once it logs its URL as JSON (`"url":"http://..."`, what Mega's
 * boot logs). Rejects with its output if it exits first.
 */
export function startServer(
  command: string,
  args: readonly string[],
  options: Omit<RunOptions, 'input'>,
): Promise<ServerProcess> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? userShellEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const url = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1]
      if (url !== undefined)
        resolve({
          url,
          output: () => output,
          stop: () => (child.kill('SIGTERM'), exited),
          kill: (signal) => (child.kill(signal), exited),
        })
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('error', reject)
    void exited.then((code) =>
      reject(new Error(`${command} ${args.join(' ')} exited ${code} before serving:\n${output}`)),
    )
  })
}
