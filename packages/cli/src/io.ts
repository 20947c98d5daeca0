import { createInterface } from 'node:readline/promises'
/** Where a command writes and what it knows of its process: the seam tests replace. */
export interface CliIo {
  /** Writes to standard output (the text carries its own newlines). */
  readonly stdout: (text: string) => void
  /** Writes to standard error. */
  readonly stderr: (text: string) => void
  /** The working directory commands resolve paths against. */
  readonly cwd: string
  /** The environment (`npm_config_user_agent`, `NO_COLOR`...). */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Colours and spinners only on a terminal. */
  readonly isTTY: boolean
  /**
   * Asks a yes/no question and resolves the answer; absent where nobody can answer (no terminal),
   * so commands that need a confirmation then ask for `--yes` instead.
   */
  readonly confirm?: (question: string) => Promise<boolean>
}

/** The real process: stdout/stderr, `process.cwd()`, `process.env`, TTY detection. */
export function createProcessIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    ...(process.stdin.isTTY === true ? { confirm: askOnTerminal } : {}),
  }
}

/** Asks on the terminal; `y` or `yes` (any case) is yes, anything else no. */
async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim())
  } finally {
    rl.close()
  }
}

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const

/** A colour name of {@link createColors}. */
export type ColorName = keyof typeof CODES

/** ANSI colours on a TTY without `NO_COLOR`; plain text otherwise. */
export type Colors = Readonly<Record<ColorName, (text: string) => string>>

/** Colour functions for `io`: identity unless it is a TTY and `NO_COLOR` is unset. */
export function createColors(io: Pick<CliIo, 'isTTY' | 'env'>): Colors {
  const on = io.isTTY && io.env.NO_COLOR === undefined
  const entries = Object.entries(CODES).map(([name, [open, close]]) => [
    name,
    (text: string) => (on ? `\u001b[${open}m${text}\u001b[${close}m` : text),
  ])
  return Object.fromEntries(entries) as Colors
}
