import { spawn, spawnSync } from 'node:child_process'

/** What {@link requirePromtool} found. */
export interface PromtoolStatus {
  /** The binary run (`MEGA_PROMTOOL`, else `promtool` on PATH). */
  readonly bin: string
  /** `true` when it runs; promtool tests run only then (or fail when it is required). */
  readonly available: boolean
  /** `true` under `MEGA_REQUIRE_SERVICES=1`: a missing promtool must fail the suite. */
  readonly required: boolean
}

/** What `promtool check metrics` said about a text: exit code and everything it printed. */
export interface PromtoolResult {
  readonly code: number | null
  readonly output: string
}

/**
 * Looks for Prometheus's `promtool` (Debian package `prometheus`; CI installs it). Without it a
 * loud line is printed; with `MEGA_REQUIRE_SERVICES=1` the caller's "is installed" test fails.
 *
 * @example
 * const promtool = requirePromtool()
 * describe.runIf(promtool.available || promtool.required)('...', () => { ... })
 */
export function requirePromtool(env: NodeJS.ProcessEnv = process.env): PromtoolStatus {
  const bin = env.MEGA_PROMTOOL ?? 'promtool'
  const available = spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0
  const required = env.MEGA_REQUIRE_SERVICES === '1'
  if (!available && !required) {
    process.stderr.write(
      `!!! SKIPPING promtool tests: ${bin} is not on PATH (apt-get install prometheus) !!!\n`,
    )
  }
  return { bin, available, required }
}

/**
 * Runs `promtool check metrics` on a Prometheus text exposition: code 0 and no output means it
 * parses and passes every lint rule.
 *
 * @example
 * expect(await promtoolCheck(await metrics.renderPrometheus())).toEqual({ code: 0, output: '' })
 */
export function promtoolCheck(text: string, bin = 'promtool'): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
    child.stdin.end(text)
  })
}
