import { spawn } from 'node:child_process'

/** Options of {@link typeInto}. */
export interface TypeIntoOptions {
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
  /** The prompt the program prints when it waits for the next line. */
  readonly prompt: string
  /** Lines typed one at a time, each once the prompt is back (an awaited line has settled). */
  readonly lines: readonly string[]
  /** @default 120_000 */
  readonly timeoutMs?: number
}

/**
 * Runs an interactive program the way a person uses it: waits for its prompt, types a line, waits for
 * the prompt again before the next one. Piping all lines at once would not do: a REPL reads ahead
 * while an `await` typed earlier is still running. Resolves everything it printed once it exits 0.
 */
export function typeInto(command: string, args: readonly string[], options: TypeIntoOptions) {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let output = ''
  let typed = 0
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${command} ${args.join(' ')} timed out; it printed:\n${output}`))
    }, options.timeoutMs ?? 120_000)
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const prompts = output.split(options.prompt).length - 1
      if (prompts > typed && typed < options.lines.length) {
        child.stdin.write(`${options.lines[typed]}\n`)
        typed += 1
      }
    })
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0 && typed === options.lines.length) resolve(output)
      else
        reject(
          new Error(`${command} exited ${code} after ${typed} line(s); it printed:\n${output}`),
        )
    })
  })
}
