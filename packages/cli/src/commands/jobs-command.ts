import type { MegaError } from '@mega/observe'
import { cliError } from '../errors.js'
import { createColors, type CliIo, type Colors } from '../io.js'
import { requireExport } from '../internal/packages.js'
import { findProjectRoot } from '../internal/project.js'
import type { JobsDlqAction, ParsedArgs } from '../options.js'

// The slice of @mega/jobs this command calls, typed here: the CLI reaches the package through the
// project (as `mega worker` does) and does not depend on it.

/** One DLQ entry as `queue.dlq` returns it. */
interface DlqEntry {
  readonly seq: number
  readonly subject: string
  readonly phase: string | undefined
  readonly envelope: {
    readonly originalSubject: string
    readonly failedAt: string
    readonly deliveryCount: number
    readonly error: { readonly name: string; readonly message: string; readonly stack?: string }
    readonly payload: unknown
  }
}

interface Dlq {
  list(options: {
    subject?: string
    limit: number
    after: number
  }): Promise<{ entries: readonly DlqEntry[]; next: number | undefined }>
  show(seq: number): Promise<DlqEntry>
  redrive(target: number | 'all'): Promise<{
    redriven: readonly { dlqSeq: number; subject: string; seq: number }[]
    failed: readonly { dlqSeq: number; error: Error }[]
  }>
  purge(options: { subject?: string }): Promise<{ purged: number }>
}

type ConnectJobQueue = (options: {
  readonly root: string
}) => Promise<{ readonly queue: { readonly dlq: Dlq }; close(): Promise<void> }>

type Options = ParsedArgs<'jobs'>['options']

interface Context {
  readonly dlq: Dlq
  readonly options: Options
  readonly io: CliIo
  readonly c: Colors
}

function invalid(message: string): MegaError {
  return cliError('MEGA_CLI_INVALID_ARGUMENT', `mega jobs dlq ${message}`)
}

function wholeNumber(value: string, what: string, min: number): number {
  const n = Number(value)
  if (Number.isInteger(n) && n >= min) return n
  throw invalid(`${what} must be a whole number ≥ ${min}, not "${value}".`)
}

const print = (ctx: Context, value: unknown) => ctx.io.stdout(`${JSON.stringify(value, null, 2)}\n`)

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

async function list(ctx: Context): Promise<number> {
  const { subject } = ctx.options
  const page = await ctx.dlq.list({
    ...(subject === undefined ? {} : { subject }),
    limit: wholeNumber(ctx.options.limit, 'list: --limit', 1),
    after: wholeNumber(ctx.options.after, 'list: --after', 0),
  })
  if (ctx.options.json) return (print(ctx, page), 0)
  if (page.entries.length === 0) {
    ctx.io.stdout(`No dead-lettered jobs${subject === undefined ? '' : ` of ${subject}`}.\n`)
    return 0
  }
  const head = ['SEQ', 'JOB', 'PHASE', 'FAILED AT', 'DELIVERY', 'ERROR']
  const rows = page.entries.map((e) => [
    String(e.seq),
    e.subject,
    e.phase ?? '-',
    e.envelope.failedAt,
    String(e.envelope.deliveryCount),
    `${e.envelope.error.name}: ${e.envelope.error.message}`.split('\n')[0]!,
  ])
  ctx.io.stdout(`${table([head, ...rows])}\n`)
  if (page.next !== undefined)
    ctx.io.stdout(ctx.c.dim(`More: mega jobs dlq list --after ${page.next}\n`))
  return 0
}

async function show(ctx: Context, seq: number): Promise<number> {
  const entry = await ctx.dlq.show(seq)
  if (ctx.options.json) return (print(ctx, entry), 0)
  const { envelope: e } = entry
  const lines = [
    `${ctx.c.bold(`DLQ entry ${entry.seq}`)}  job ${entry.subject}, phase ${entry.phase ?? '-'}`,
    `failed at  ${e.failedAt} (delivery ${e.deliveryCount}, from ${e.originalSubject})`,
    `error      ${ctx.c.red(`${e.error.name}: ${e.error.message}`)}`,
    ...(e.error.stack === undefined ? [] : [ctx.c.dim(e.error.stack)]),
    `payload    ${JSON.stringify(e.payload, null, 2)}`,
  ]
  ctx.io.stdout(`${lines.join('\n')}\n`)
  return 0
}

async function redrive(ctx: Context, seq: number | undefined): Promise<number> {
  if (seq === undefined && !ctx.options.all)
    throw invalid('redrive: give the <seq> of an entry, or --all for every entry.')
  if (seq !== undefined && ctx.options.all)
    throw invalid(`redrive: give either <seq> (${seq}) or --all, not both.`)
  const result = await ctx.dlq.redrive(seq ?? 'all')
  const failed = result.failed.map((f) => ({
    dlqSeq: f.dlqSeq,
    error: { name: f.error.name, message: f.error.message, code: (f.error as MegaError).code },
  }))
  if (ctx.options.json) print(ctx, { redriven: result.redriven, failed })
  else {
    const n = result.redriven.length
    ctx.io.stdout(`Redrove ${n} job${n === 1 ? '' : 's'}.\n`)
    for (const r of result.redriven)
      ctx.io.stdout(`  ${ctx.c.green('✓')} DLQ ${r.dlqSeq} → ${r.subject} (seq ${r.seq})\n`)
    for (const f of failed)
      ctx.io.stderr(`  ${ctx.c.red('✗')} DLQ ${f.dlqSeq}: ${f.error.message}\n`)
  }
  return failed.length === 0 ? 0 : 1
}

async function purge(ctx: Context): Promise<number> {
  const { subject } = ctx.options
  const what = `every dead-lettered job${subject === undefined ? '' : ` of ${subject}`}`
  if (!ctx.options.yes) {
    if (ctx.io.confirm === undefined)
      throw invalid(
        `purge removes ${what} for good, and there is no terminal to confirm on: pass --yes.`,
      )
    if (!(await ctx.io.confirm(`Remove ${what} for good?`))) {
      ctx.io.stderr('Nothing purged.\n')
      return 1
    }
  }
  const result = await ctx.dlq.purge(subject === undefined ? {} : { subject })
  if (ctx.options.json) print(ctx, result)
  else ctx.io.stdout(`Purged ${result.purged} job${result.purged === 1 ? '' : 's'}.\n`)
  return 0
}

function targetOf(action: JobsDlqAction, seq: string | undefined): number | undefined {
  if (seq === undefined) return undefined
  if (action === 'list' || action === 'purge')
    throw invalid(`${action}: unexpected argument "${seq}" (only show and redrive take a <seq>).`)
  return wholeNumber(seq, `${action}: <seq>`, 1)
}

/**
 * `mega jobs dlq list|show <seq>|redrive <seq>|--all|purge [--yes]`: the app's dead-letter queue,
 * through `connectJobQueue` of the project's `@mega/jobs` (its jobs() plugin options, its `nats`
 * bus adapter only; the app is not booted). `--json` prints what the DLQ API returned. Exits 1 when
 * a redrive failed for an entry or a purge was not confirmed.
 *
 * @example
 * const code = await run(['jobs', 'dlq', 'redrive', '--all'], createProcessIo())
 */
export async function jobsCommand(parsed: ParsedArgs<'jobs'>, io: CliIo): Promise<number> {
  const root = findProjectRoot(io.cwd, parsed.options.root, 'jobs')
  const [, action, seqArg] = parsed.args as [string, JobsDlqAction, string | undefined]
  const seq = targetOf(action, seqArg)
  const connect = (await requireExport(
    root,
    '@mega/jobs',
    'connectJobQueue',
    'mega jobs dlq',
  )) as ConnectJobQueue
  const connection = await connect({ root })
  const close = () => connection.close()
  const { queue } = connection
  const ctx: Context = { dlq: queue.dlq, options: parsed.options, io, c: createColors(io) }
  try {
    switch (action) {
      case 'list':
        return await list(ctx)
      case 'show':
        if (seq === undefined)
          throw invalid('show: give the <seq> of an entry (mega jobs dlq list shows them).')
        return await show(ctx, seq)
      case 'redrive':
        return await redrive(ctx, seq)
      case 'purge':
        return await purge(ctx)
    }
  } finally {
    await close()
  }
}
