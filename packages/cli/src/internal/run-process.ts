import { spawn } from 'node:child_process'

/** The result of a child process run to completion. */
export interface ProcessResult {
  readonly code: number
  /** stdout and stderr interleaved (only when captured). */
  readonly output: string
}

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  readonly cwd: string
  readonly env?: NodeJS.ProcessEnv
  /** Capture the output instead of passing the terminal through. @default false */
  readonly capture?: boolean
  /**
   * Pass SIGTERM and SIGHUP on to the child and wait for it to end, so stopping this process stops
   * what it started (a watcher and its app) instead of leaving it running. SIGINT is only waited out:
   * Ctrl-C reaches the child from the terminal already (its process group), and a second one would
   * force it. @default false
   */
  readonly forwardSignals?: boolean
}

/** Runs `command args` and resolves its exit code (a spawn failure resolves code 127). */
export function runProcess(
  command: string,
  args: readonly string[],
  options: RunProcessOptions,
): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: options.capture === true ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      shell: process.platform === 'win32',
    })
    const forward = (signal: NodeJS.Signals) => void child.kill(signal)
    const wait = () => undefined
    if (options.forwardSignals === true) {
      process.on('SIGTERM', forward)
      process.on('SIGHUP', forward)
      process.on('SIGINT', wait)
    }
    const done = (result: ProcessResult) => {
      process.removeListener('SIGTERM', forward)
      process.removeListener('SIGHUP', forward)
      process.removeListener('SIGINT', wait)
      resolve(result)
    }
    let output = ''
    const collect = (chunk: Buffer) => (output += chunk.toString())
    child.stdout?.on('data', collect)
    child.stderr?.on('data', collect)
    child.on('error', (err) => done({ code: 127, output: `${output}${err.message}\n` }))
    child.on('close', (code, signal) =>
      done({ code: code ?? (signal === null ? 1 : 128 + signalNumber(signal)), output }),
    )
  })
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1
}
