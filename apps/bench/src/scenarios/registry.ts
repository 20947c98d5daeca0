// Every scenario by name, loaded only when it runs. Add a scenario here (see README.md).
import type { Scenario } from '../harness/scenario.js'

/** The scenarios in the order a full run takes them. */
export const SCENARIO_NAMES = [
  'http-json',
  'http-hello',
  'cold-start',
  'crud',
  'migrate-diff',
  'ws-fanout',
  'jobs',
  'hub-redeploy',
] as const

/** Scenarios that run only when named (diagnostics, not goals). */
export const EXTRA_SCENARIO_NAMES = ['mega-overhead', 'crud-overhead'] as const

/** One of {@link SCENARIO_NAMES} or {@link EXTRA_SCENARIO_NAMES}. */
export type ScenarioName = (typeof SCENARIO_NAMES)[number] | (typeof EXTRA_SCENARIO_NAMES)[number]

/** Every scenario name, full-run ones first. */
export const ALL_SCENARIO_NAMES: readonly ScenarioName[] = [
  ...SCENARIO_NAMES,
  ...EXTRA_SCENARIO_NAMES,
]

type Loader = () => Promise<{ readonly default: Scenario }>

const LOADERS: Readonly<Record<ScenarioName, Loader>> = {
  'http-json': () => import('./http-json.js'),
  'http-hello': () => import('./http-hello.js'),
  'cold-start': () => import('./cold-start.js'),
  crud: () => import('./crud.js'),
  'migrate-diff': () => import('./migrate-diff.js'),
  'ws-fanout': () => import('./ws-fanout.js'),
  jobs: () => import('./jobs.js'),
  'hub-redeploy': () => import('./hub-redeploy.js'),
  'mega-overhead': () => import('./mega-overhead.js'),
  'crud-overhead': () => import('./crud-overhead.js'),
}

/** `true` for a known scenario name. */
export function isScenarioName(name: string): name is ScenarioName {
  return (ALL_SCENARIO_NAMES as readonly string[]).includes(name)
}

/** Imports a scenario module and checks that it has the three hooks. */
export async function loadScenario(name: ScenarioName): Promise<Scenario> {
  const scenario = (await LOADERS[name]()).default
  for (const hook of ['setup', 'contenders', 'teardown'] as const)
    if (typeof scenario[hook] !== 'function')
      throw new Error(
        `Scenario ${name} has no ${hook}(): a scenario exports { setup, contenders, teardown }.`,
      )
  if (scenario.name !== name)
    throw new Error(`Scenario module ${name} is named "${scenario.name}".`)
  return scenario
}
