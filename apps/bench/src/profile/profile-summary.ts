// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time by package and
// by function, and the inclusive time of the functions that match a filter. Used to explain a missed
// goal with measured causes (see README.md, "When a goal is missed").

/** The parts of a .cpuprofile this reader uses. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number
    readonly callFrame: {
      readonly functionName: string
      readonly url: string
      readonly lineNumber: number
    }
    readonly children?: readonly number[]
  }[]
  readonly samples: readonly number[]
}

/** A line of a summary: a name and its share of the samples. */
export interface Share {
  readonly name: string
  readonly samples: number
  readonly pct: number
}

/** Where the samples went. */
export interface ProfileSummary {
  /** Samples outside `(idle)`: percentages are of these, so a server's idle time does not dilute them. */
  readonly totalSamples: number
  /** Self time by package (`@mega/core`, `fastify`, `node`, `(garbage collector)`...). */
  readonly byPackage: readonly Share[]
  /** Self time by function (`name package:line`). */
  readonly byFunction: readonly Share[]
  /** Inclusive time of every function whose label contains the filter. */
  readonly inclusive: readonly Share[]
}

/**
 * The package a script URL belongs to: the last `node_modules/<name>` in it, `@mega/<name>` for the
 * workspace packages, `node` for Node's own modules.
 *
 * @example packageOf('file:///r/node_modules/.pnpm/fastify@5/node_modules/fastify/lib/reply.js') // 'fastify'
 */
export function packageOf(url: string, functionName = ''): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)'
  if (url.startsWith('node:')) return 'node'
  const modules = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)]
  const last = modules.at(-1)?.[1]
  if (last !== undefined && last !== '.pnpm') return last
  const workspace = /\/(packages|apps)\/([^/]+)\//.exec(url)
  if (workspace !== null)
    return workspace[1] === 'packages' ? `@mega/${workspace[2]}` : `apps/${workspace[2]}`
  return url
}

function shares(counts: Map<string, number>, total: number, top: number): Share[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, samples]) => ({ name, samples, pct: (samples / total) * 100 }))
}

/** Summarises a profile; `filter` picks the functions whose inclusive time is reported. */
export function summarizeProfile(profile: CpuProfile, filter = '@mega/', top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const label = (id: number): string => {
    const f = byId.get(id)?.callFrame
    if (f === undefined) return '?'
    return `${f.functionName || '(anonymous)'} ${packageOf(f.url, f.functionName)}:${f.lineNumber + 1}`
  }
  const pkg = new Map<string, number>()
  const fn = new Map<string, number>()
  const incl = new Map<string, number>()
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1)
  let busy = 0
  for (const id of profile.samples) {
    const f = byId.get(id)?.callFrame
    if (f?.functionName === '(idle)') continue
    busy += 1
    bump(pkg, packageOf(f?.url ?? '', f?.functionName))
    bump(fn, label(id))
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const l = label(at)
      if (l.includes(filter) && !seen.has(l)) {
        seen.add(l)
        bump(incl, l)
      }
    }
  }
  const total = Math.max(busy, 1)
  return {
    totalSamples: total,
    byPackage: shares(pkg, total, top),
    byFunction: shares(fn, total, top),
    inclusive: shares(incl, total, top),
  }
}

/** The summary as text for the terminal or RESULTS.md. */
export function formatSummary(summary: ProfileSummary): string {
  const block = (title: string, list: readonly Share[]) => [
    title,
    ...list.map((s) => `  ${s.pct.toFixed(1).padStart(5)} %  ${s.name}`),
  ]
  return [
    `${summary.totalSamples} busy samples (idle excluded)`,
    ...block('Self time by package:', summary.byPackage),
    ...block('Self time by function:', summary.byFunction),
    ...block('Inclusive time (filtered):', summary.inclusive),
  ].join('\n')
}
