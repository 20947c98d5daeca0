import { connect } from 'node:net'

/** The services a Mega test may talk to. */
export const SERVICE_NAMES = ['postgres', 'maria', 'redis', 'nats', 'mongo'] as const

/** One of {@link SERVICE_NAMES}. */
export type ServiceName = (typeof SERVICE_NAMES)[number]

/** Environment variable and default URL of each service. Mongo has no default: no server runs here. */
export const SERVICE_ENV: Readonly<
  Record<ServiceName, { readonly env: string; readonly default?: string }>
> = Object.freeze({
  postgres: { env: 'MEGA_TEST_PG_URL', default: 'postgres://postgres@127.0.0.1:5432/test' },
  maria: { env: 'MEGA_TEST_MARIA_URL', default: 'mysql://root@127.0.0.1:3306/test' },
  redis: { env: 'MEGA_TEST_REDIS_URL', default: 'redis://127.0.0.1:6379' },
  nats: { env: 'MEGA_TEST_NATS_URL', default: 'nats://127.0.0.1:4222' },
  mongo: { env: 'MEGA_TEST_MONGO_URL' },
})

function assertServiceName(name: string): asserts name is ServiceName {
  if (!(SERVICE_NAMES as readonly string[]).includes(name)) {
    throw new TypeError(`Unknown service "${name}": use one of ${SERVICE_NAMES.join(', ')}.`)
  }
}

/**
 * The connection URL for a service: its `MEGA_TEST_*` variable when set, else the loopback default,
 * else `undefined` (Mongo without `MEGA_TEST_MONGO_URL`).
 */
export function serviceUrl(
  name: ServiceName,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  assertServiceName(name)
  const spec = SERVICE_ENV[name]
  const fromEnv = env[spec.env]
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : spec.default
}

const DEFAULT_PORTS: Readonly<Record<ServiceName, number>> = {
  postgres: 5432,
  maria: 3306,
  redis: 6379,
  nats: 4222,
  mongo: 27017,
}

/** Resolves `true` when a TCP connection to the service's host and port opens within `timeoutMs`. */
export function isReachable(name: ServiceName, url: string, timeoutMs = 1500): Promise<boolean> {
  const parsed = new URL(url)
  const host = (parsed.hostname || '127.0.0.1').replace(/^\[|\]$/g, '')
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[name]
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}
