// The command line of `node dist/run.js`: one typed table, from which parsing and --help come.
import { parseArgs } from 'node:util'

interface OptionSpec {
  readonly type: 'string' | 'boolean'
  readonly description: string
  /** Shown in --help; the real default is resolved in {@link resolveOptions}. */
  readonly defaultText?: string
}

/** Every option of the bench command. */
export const CLI_OPTIONS = {
  rounds: {
    type: 'string',
    description: 'measured rounds per contender',
    defaultText: '5 (quick: 2)',
  },
  warmup: {
    type: 'string',
    description: 'unrecorded warm-up rounds per contender',
    defaultText: '1',
  },
  duration: {
    type: 'string',
    description: 'seconds of load per HTTP round',
    defaultText: '5 (quick: 1)',
  },
  connections: { type: 'string', description: 'autocannon connections', defaultText: '100' },
  pipelining: {
    type: 'string',
    description: 'autocannon requests pipelined per connection',
    defaultText: '10',
  },
  quick: {
    type: 'boolean',
    description:
      'short smoke run (2 rounds, 1 s, 1/10 of the iterations); writes nothing unless --out is given',
  },
  out: {
    type: 'string',
    description: 'report file to merge results into',
    defaultText: 'RESULTS.md',
  },
  'no-write': { type: 'boolean', description: 'print results only, write no report' },
  list: { type: 'boolean', description: 'list the scenarios and exit' },
  help: { type: 'boolean', description: 'show this help' },
} as const satisfies Record<string, OptionSpec>

const PARSE_OPTIONS = Object.fromEntries(
  Object.entries(CLI_OPTIONS).map(([name, spec]) => [name, { type: spec.type }]),
) as { [K in keyof typeof CLI_OPTIONS]: { type: (typeof CLI_OPTIONS)[K]['type'] } }

/** Resolved options of one run. */
export interface BenchOptions {
  /** Scenario names given on the command line; empty = all. */
  readonly scenarios: readonly string[]
  readonly rounds: number
  readonly warmup: number
  readonly durationSec: number
  readonly connections: number
  readonly pipelining: number
  readonly iterationScale: number
  readonly quick: boolean
  /** `undefined` when nothing is written. */
  readonly out: string | undefined
  readonly list: boolean
  readonly help: boolean
}

function positiveInt(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} must be an integer ≥ ${min}, got "${raw}".`)
  return n
}

/** Parses argv (without node and the script) into {@link BenchOptions}; bad values throw. */
export function resolveOptions(argv: readonly string[]): BenchOptions {
  const { values, positionals } = parseArgs({
    args: [...argv].filter((a) => a !== '--'),
    options: PARSE_OPTIONS,
    allowPositionals: true,
    strict: true,
  })
  const quick = values.quick === true
  const write = values['no-write'] !== true && (!quick || values.out !== undefined)
  return {
    scenarios: positionals,
    rounds: positiveInt('rounds', values.rounds, quick ? 2 : 5),
    warmup: positiveInt('warmup', values.warmup, 1, 0),
    durationSec: positiveInt('duration', values.duration, quick ? 1 : 5),
    connections: positiveInt('connections', values.connections, 100),
    pipelining: positiveInt('pipelining', values.pipelining, 10),
    iterationScale: quick ? 0.1 : 1,
    quick,
    out: write ? (values.out ?? 'RESULTS.md') : undefined,
    list: values.list === true,
    help: values.help === true,
  }
}

/** The --help text, generated from {@link CLI_OPTIONS}. */
export function helpText(scenarios: readonly string[]): string {
  const lines = Object.entries(CLI_OPTIONS).map(([name, spec]: [string, OptionSpec]) => {
    const flag = spec.type === 'string' ? `--${name} <value>` : `--${name}`
    const dflt = spec.defaultText === undefined ? '' : ` (default ${spec.defaultText})`
    return `  ${flag.padEnd(22)} ${spec.description}${dflt}`
  })
  return [
    'Usage: pnpm bench [scenario...] [options]   (no scenario = all)',
    '',
    `Scenarios: ${scenarios.join(', ')}`,
    '',
    'Options:',
    ...lines,
  ].join('\n')
}
