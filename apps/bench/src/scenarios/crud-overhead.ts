// Not part of a full run: raw Kysely with @mega/db CRUD's per-call steps added one at a time
// (src/profile/crud-ablation.ts), next to the real CRUD, on SQLite in-process, where every microsecond
// of the operation is CPU in this process. Run it by name: pnpm bench crud-overhead.
import { defineScenario, type BenchCase, type Contender } from '../harness/scenario.js'
import { CRUD_ABLATION_STEPS, ablatedOps } from '../profile/crud-ablation.js'
import { megaOps } from './crud-fixtures.js'
import { contender, openSqlite, type Backend } from './crud.js'

const OPS = ['get', 'list'] as const
const ITERATIONS = { get: 10_000, list: 2000 } as const

function overheadCase(b: Backend, op: (typeof OPS)[number], scale: number): BenchCase {
  const name = `sqlite · ${op}`
  if (b.mega === undefined)
    return { name, unit: 'ops/s', contenders: [], unavailable: 'not opened' }
  const n = Math.max(20, Math.round(ITERATIONS[op] * scale))
  const mega = b.mega
  const steps: Contender[] = CRUD_ABLATION_STEPS.map((step, i) =>
    contender(
      `+${step}`,
      ablatedOps(mega, b.table, new Set(CRUD_ABLATION_STEPS.slice(0, i + 1)))[op],
      n,
    ),
  )
  return {
    name,
    unit: 'ops/s',
    reference: 'kysely',
    contenders: [
      contender('kysely', ablatedOps(mega, b.table, new Set())[op], n),
      ...steps,
      contender('mega', megaOps(mega, b.table, 'mega')[op], n),
    ],
    notes: [
      `Each "+step" is raw Kysely (on the adapter's connection) plus that step and every step above it: ${CRUD_ABLATION_STEPS.join(' → ')} (see src/profile/crud-ablation.ts); "+async" re-creates CRUD's path without CRUD, "mega" is \`createCrud\`.`,
      `${n} sequential operations per round; CPU µs/op is this process's CPU time per operation (SQLite runs in-process, so it is the whole cost).`,
    ],
  }
}

export default defineScenario<Backend>({
  name: 'crud-overhead',
  title: "what each step of @mega/db's CRUD costs over raw Kysely (SQLite, get and list)",
  setup: openSqlite,
  contenders: (b, ctx) => OPS.map((op) => overheadCase(b, op, ctx.iterationScale)),
  teardown: (b) => b.cleanup(),
})
