// The bench command as a function: parse options, run the scenarios, print and write the report.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'
import { helpText, resolveOptions, type BenchOptions } from './cli-options.js'
import { describeMachine } from './harness/machine.js'
import { mergeReport, renderScenario } from './harness/report.js'
import { scenarioFailed, type ScenarioResult } from './harness/results.js'
import { runScenario } from './harness/runner.js'
import type { ScenarioContext } from './harness/scenario.js'
import {
  ALL_SCENARIO_NAMES,
  SCENARIO_NAMES,
  isScenarioName,
  loadScenario,
  type ScenarioName,
} from './scenarios/registry.js'

/** `dist/` (where this file runs from) and the app folder above it. */
const DIST_DIR = dirname(fileURLToPath(import.meta.url))
const APP_DIR = dirname(DIST_DIR)

function settingsLine(o: BenchOptions): string {
  return [
    `${o.rounds} measured round${o.rounds === 1 ? '' : 's'} after ${o.warmup} warm-up round${o.warmup === 1 ? '' : 's'}, contenders in alternation (A B A B …).`,
    ...(o.quick ? ['**Quick run: not for comparison.**'] : []),
  ].join(' ')
}

/** The report without its embedded data, for the terminal. */
function forTerminal(result: ScenarioResult): string {
  return renderScenario(result)
    .split('\n')
    .filter((l) => !l.startsWith('<!-- bench:'))
    .join('\n')
}

async function writeReport(
  file: string,
  results: readonly ScenarioResult[],
  names: readonly string[],
): Promise<void> {
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : undefined
  const merged = mergeReport(existing, results, ALL_SCENARIO_NAMES, {
    date: new Date().toISOString(),
    machine: describeMachine(),
    scenarios: names,
    full: SCENARIO_NAMES.every((n) => names.includes(n)),
  })
  const config = (await resolveConfig(file)) ?? {}
  writeFileSync(file, await format(merged, { ...config, parser: 'markdown' }))
}

/**
 * Runs the bench command with `argv` (without node and the script); resolves the exit code: 0, 1
 * when a scenario failed (the report is written all the same), 2 for bad arguments.
 */
export async function main(
  argv: readonly string[],
  log = (line: string) => console.log(line),
): Promise<number> {
  let options: BenchOptions
  try {
    options = resolveOptions(argv)
  } catch (err) {
    log(`${err instanceof Error ? err.message : String(err)}\n\n${helpText(ALL_SCENARIO_NAMES)}`)
    return 2
  }
  if (options.help || options.list) {
    log(options.help ? helpText(ALL_SCENARIO_NAMES) : ALL_SCENARIO_NAMES.join('\n'))
    return 0
  }
  const unknown = options.scenarios.filter((n) => !isScenarioName(n))
  if (unknown.length > 0) {
    log(`Unknown scenario ${unknown.join(', ')}: choose from ${ALL_SCENARIO_NAMES.join(', ')}.`)
    return 2
  }
  const names = (
    options.scenarios.length > 0 ? options.scenarios : SCENARIO_NAMES
  ) as ScenarioName[]
  const ctx: ScenarioContext = { ...options, distDir: DIST_DIR, log }
  const results: ScenarioResult[] = []
  for (const name of names) {
    const result = await runScenario(await loadScenario(name), ctx, options, {
      settings: settingsLine(options),
    })
    log(`\n${forTerminal(result)}`)
    results.push(result)
  }
  if (options.out !== undefined) {
    const file = options.out === 'RESULTS.md' ? join(APP_DIR, 'RESULTS.md') : resolve(options.out)
    await writeReport(file, results, names)
    log(`\nWrote ${file}`)
  }
  return results.some(scenarioFailed) ? 1 : 0
}
