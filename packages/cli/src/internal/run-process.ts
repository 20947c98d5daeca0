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
    let output = ''
    const collect = (chunk: Buffer) => (output += chunk.toString())
    child.stdout?.on('data', collect)
    child.stderr?.on('data', collect)
    child.on('error', (err) => resolve({ code: 127, output: `${output}${err.message}\n` }))
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal === null ? 1 : 128 + signalNumber(signal)), output }),
    )
  })
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1
}
