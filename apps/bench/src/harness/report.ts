// RESULTS.md: generated blocks (header, goal summary, one per scenario) between HTML-comment markers,
// plus free text (the analysis of missed goals), kept as it is across runs.
import { formatDate, formatPct, formatRatio, formatValue } from './format.js'
import { verdict } from './goals.js'
import type { CaseResult, ScenarioResult } from './results.js'
import { higherIsBetter } from './scenario.js'

const BLOCK_RE = /<!-- bench:begin ([\w-]+) -->\n([\s\S]*?)<!-- bench:end \1 -->\n?/g
const DATA_RE = /<!-- bench:data ([A-Za-z0-9+/=]+) -->/

function block(name: string, body: string): string {
  return `<!-- bench:begin ${name} -->\n${body.trim()}\n<!-- bench:end ${name} -->\n`
}

function encodeData(result: ScenarioResult): string {
  return Buffer.from(JSON.stringify(result)).toString('base64')
}

/** Reads the scenario results embedded in a RESULTS.md (one per scenario block). */
export function readEmbeddedResults(text: string): Map<string, ScenarioResult> {
  const out = new Map<string, ScenarioResult>()
  for (const [, name, body] of text.matchAll(BLOCK_RE)) {
    const data = DATA_RE.exec(body ?? '')?.[1]
    if (name === undefined || data === undefined) continue
    out.set(name, JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as ScenarioResult)
  }
  return out
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`
}

function goalCell(c: CaseResult, name: string): string {
  const goals = c.goals.filter((g) => g.contender === name)
  if (goals.length === 0)
    return name === c.reference ? 'reference' : c.reference === undefined ? '—' : 'for comparison'
  return goals.map((g) => `${g.label}: **${verdict(g)}**`).join('; ')
}

function caseTable(c: CaseResult): string[] {
  const hasRef = c.reference !== undefined
  const hasCpu = c.contenders.some((x) => x.cpuMicrosPerOp !== undefined)
  const head = [
    'Contender',
    'Median',
    'Spread',
    ...(hasRef ? [`× ${c.reference}`, 'Per-round ×'] : []),
    ...(hasCpu ? ['CPU µs/op'] : []),
    'Goal',
  ]
  const lines = [
    row(head),
    row(head.map((_, i) => (i === 0 || i === head.length - 1 ? '---' : '---:'))),
  ]
  for (const x of c.contenders) {
    const ratioCells = !hasRef
      ? []
      : x.ratio === undefined
        ? ['1.00', '—']
        : [
            formatRatio(x.ratio, ratioBound(c, x.name)),
            x.ratioRange ? x.ratioRange.map((r) => formatRatio(r)).join(' – ') : '—',
          ]
    lines.push(
      row([
        x.name,
        formatValue(x.median, c.unit),
        formatPct(x.spreadPct),
        ...ratioCells,
        ...(hasCpu ? [x.cpuMicrosPerOp === undefined ? '—' : x.cpuMicrosPerOp.toFixed(1)] : []),
        goalCell(c, x.name),
      ]),
    )
  }
  return lines
}

function renderCase(c: CaseResult): string {
  const direction = higherIsBetter(c.unit) ? 'higher is better' : 'lower is better'
  const lines = [`### ${c.name} (${c.unit}, ${direction})`, '']
  if (c.unavailable !== undefined) lines.push(`**Not available:** ${c.unavailable}`)
  else if (c.error !== undefined) lines.push(`**Failed:** ${c.error}`)
  else lines.push(...caseTable(c))
  if (c.notes.length > 0) lines.push('', ...c.notes.map((n) => `- ${n}`))
  return lines.join('\n')
}

/** The markdown block of one scenario, with its results embedded for later summaries. */
export function renderScenario(result: ScenarioResult): string {
  const parts = [
    `## ${result.name}: ${result.title}`,
    `Measured ${formatDate(result.measuredAt)} on ${result.machine}. ${result.settings}`,
    ...(result.error === undefined ? [] : [`**Failed:** ${result.error}`]),
    ...result.cases.map(renderCase),
    `<!-- bench:data ${encodeData(result)} -->`,
  ]
  return block(result.name, parts.join('\n\n'))
}

function ratioBound(c: CaseResult, contender: string): number | undefined {
  const g = c.goals.find(
    (x) => x.contender === contender && x.measure === 'ratio' && x.versus === undefined,
  )
  return g?.bound
}

function measured(g: CaseResult['goals'][number], c: CaseResult): string {
  return g.measure === 'ratio'
    ? `${formatRatio(g.actual, g.bound)} ×`
    : formatValue(g.actual, c.unit)
}

/** The goal table of every scenario result (PASS/MISS, or why there is no verdict). */
export function renderSummary(results: readonly ScenarioResult[]): string {
  const head = ['Scenario', 'Case', 'Contender', 'Goal', 'Measured', 'Verdict']
  const lines = ['## Goals', '', row(head), row(head.map(() => '---'))]
  for (const r of results) {
    if (r.error !== undefined) lines.push(row([r.name, '—', '—', '—', '—', `failed: ${r.error}`]))
    for (const c of r.cases) {
      if (c.unavailable !== undefined)
        lines.push(row([r.name, c.name, '—', '—', '—', 'not available yet']))
      else if (c.error !== undefined) lines.push(row([r.name, c.name, '—', '—', '—', 'failed']))
      for (const g of c.goals)
        lines.push(row([r.name, c.name, g.contender, g.label, measured(g, c), `**${verdict(g)}**`]))
    }
  }
  return block('summary', lines.join('\n'))
}

/** What the header says about the run that wrote the file. */
export interface ReportRun {
  readonly date: string
  readonly machine: string
  readonly scenarios: readonly string[]
  /** `true` when every scenario of a full run ran (the header keeps its line until the next one). */
  readonly full?: boolean
}

const FULL_RUN_RE = /^Last full run: .*$/m

function renderHeader(run: ReportRun, previousFullRun: string | undefined): string {
  const line = `${formatDate(run.date)} (${run.scenarios.join(', ')}) on ${run.machine}.`
  const fullRun = run.full === true ? `Last full run: ${line}` : previousFullRun
  return block(
    'header',
    [
      '# Mega benchmarks: results',
      '',
      'Written by `pnpm bench` (see [README.md](README.md) for how to read the numbers). Every scenario ' +
        'section carries the date and machine of its own run; a run of some scenarios replaces only ' +
        'their sections. Text outside the `bench:begin`/`bench:end` markers is kept as it is.',
      '',
      ...(fullRun === undefined ? [] : [fullRun, '']),
      `Last run: ${line}`,
    ].join('\n'),
  )
}

/**
 * Merges fresh results into an existing RESULTS.md: replaces the blocks of the scenarios that ran,
 * keeps the others and the free text, rebuilds the header and the goal summary.
 */
export function mergeReport(
  existing: string | undefined,
  fresh: readonly ScenarioResult[],
  order: readonly string[],
  run: ReportRun,
): string {
  const old = existing ?? ''
  const byName = readEmbeddedResults(old)
  for (const r of fresh) byName.set(r.name, r)
  const known = [
    ...order.filter((n) => byName.has(n)),
    ...[...byName.keys()].filter((n) => !order.includes(n)),
  ]
  const results = known.map((n) => byName.get(n) as ScenarioResult)
  const free = old.replace(BLOCK_RE, '').trim()
  return [
    renderHeader(run, FULL_RUN_RE.exec(old)?.[0]),
    renderSummary(results),
    ...results.map(renderScenario),
    ...(free === '' ? [] : [`${free}\n`]),
  ].join('\n')
}
