import { isReachable, serviceUrl, SERVICE_ENV, type ServiceName } from './services.js'

/** What {@link requireService} found. */
export interface ServiceStatus {
  readonly name: ServiceName
  /** The URL tested, when one is configured. */
  readonly url: string | undefined
  /** `true` when the service answered; tests run only then. */
  readonly available: boolean
}

/** Options for {@link requireService}. */
export interface RequireServiceOptions {
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv
  /** Where the loud skip line goes. @default process.stderr.write */
  readonly warn?: (line: string) => void
  /** @default 1500 */
  readonly timeoutMs?: number
}

/**
 * Checks that a service answers. When it does not: with `MEGA_REQUIRE_SERVICES=1` this throws (the
 * suite fails); otherwise it prints one loud line naming the service and returns `available: false`
 * so the suite can `describe.runIf(status.available)`. Mongo is never required.
 *
 * @example
 * const pg = await requireService('postgres')
 * describe.runIf(pg.available)('postgres adapter', () => { ... })
 */
export async function requireService(
  name: ServiceName,
  options: RequireServiceOptions = {},
): Promise<ServiceStatus> {
  const env = options.env ?? process.env
  const warn = options.warn ?? ((line: string) => void process.stderr.write(`${line}\n`))
  const url = serviceUrl(name, env)
  const available = url !== undefined && (await isReachable(name, url, options.timeoutMs))
  if (available) return { name, url, available }
  const where = url ?? `nowhere (${SERVICE_ENV[name].env} is not set)`
  if (env.MEGA_REQUIRE_SERVICES === '1' && name !== 'mongo') {
    throw new Error(
      `Service ${name} is required (MEGA_REQUIRE_SERVICES=1) but does not answer at ${where}. ` +
        `Start it (see .ci/run) or point ${SERVICE_ENV[name].env} at a running server.`,
    )
  }
  warn(`!!! SKIPPING tests that need ${name}: it does not answer at ${where} !!!`)
  return { name, url, available }
}
