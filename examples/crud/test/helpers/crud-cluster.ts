import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { expect } from 'vitest'
import { AdapterManager, DriverRegistry } from '@mega/core'
import { createMigrator, megaDrivers, type SqlDbAdapter } from '@mega/db'
import { MegaWsHub } from '@mega/ws-hub'
import {
  disposeAfterTest,
  startServer,
  tempDir,
  userShellEnv,
  uniqueName,
  type ServerProcess,
} from '@mega/test-utils'
import { root } from './crud-app.js'

/** The bridges' token and the admin API's token of the test hub (each ≥ 16 characters). */
const HUB_TOKEN = 'crud-test-bridge-token'
const ADMIN_TOKEN = 'crud-test-admin-token'

/** A hub on port 0 in this process, and the crud processes linked to it. */
export interface CrudCluster {
  readonly hub: MegaWsHub
  /** `http://127.0.0.1:<port>` of the hub (its admin API). */
  readonly hubUrl: string
  /** Starts one more crud process (`mega start`) on the shared database, sessions and hub. */
  startCrud(): Promise<CrudProcess>
  /** Calls the hub's admin API and resolves the envelope's `data`. */
  admin<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>
}

/** One crud process: its URL and port, and a stop by SIGTERM (resolves the exit code). */
export interface CrudProcess {
  readonly url: string
  readonly port: number
  /** Everything the process printed so far. */
  output(): string
  stop(): Promise<number | null>
}

/**
 * A hub and what crud processes need to share (a SQLite file migrated once, Redis sessions), all
 * closed when the test ends. `redisUrl` is the Redis the processes keep their sessions in (under a
 * key prefix of their own: the sign-up limit counts there too).
 */
export async function startCrudCluster(redisUrl: string): Promise<CrudCluster> {
  const hub = new MegaWsHub({
    tokens: [HUB_TOKEN],
    adminToken: ADMIN_TOKEN,
    host: '127.0.0.1',
    port: 0,
    logger: false,
  })
  const hubUrl = await hub.start()
  disposeAfterTest(() => hub.close())
  const dir = await tempDir()
  const env = userShellEnv({
    DATABASE_FILE: join(dir, 'app.sqlite'),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: uniqueName('crudhub'),
    MEGA_WS_HUB_URL: `${hubUrl.replace(/^http/, 'ws')}/hub`,
    MEGA_WS_HUB_TOKEN: HUB_TOKEN,
    // One secret for every process, so a session cookie signed by one is read by the others.
    SESSION_SECRET: 'crud-cluster-test-session-secret-0123456789',
    PORT: '0',
    LOG_LEVEL: 'info',
  })
  delete env.DATABASE_URL
  const mega = join(root, 'node_modules', '.bin', 'mega')
  await migrate(env.DATABASE_FILE as string)
  const processes: ServerProcess[] = []
  disposeAfterTest(() => Promise.all(processes.map((p) => p.stop())))
  return {
    hub,
    hubUrl,
    startCrud: async () => {
      const server = await startServer(mega, ['start'], { cwd: root, env })
      processes.push(server)
      return {
        url: server.url,
        port: Number(new URL(server.url).port),
        output: () => server.output(),
        stop: () => server.stop(),
      }
    },
    admin: async <T>(method: 'GET' | 'POST', path: string, body?: unknown) => {
      const res = await fetch(`${hubUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      const text = await res.text()
      expect(res.ok, text).toBe(true)
      return (JSON.parse(text) as { data: T }).data
    },
  }
}

/** Applies the app's migrations to a SQLite file, as `mega migrate up` does (without a process). */
async function migrate(filename: string): Promise<void> {
  const manager = new AdapterManager({ registry: new DriverRegistry([...megaDrivers]) })
  await manager.connectAll({ db: { driver: 'sqlite', filename } })
  try {
    const results = await createMigrator({ db: manager.get<SqlDbAdapter>('db'), root }).up()
    const failed = results.find((r) => r.status === 'failed')
    if (failed !== undefined) throw failed.error
  } finally {
    await manager.disconnectAll()
  }
}

/** Polls `check` every 50 ms until it is true, failing with `what` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await sleep(50)
  }
}

/** A user signed up and logged in over HTTP (through `base`), with their API token. */
export async function signUpOver(
  base: string,
  name: string,
  password: string,
): Promise<{ id: number; email: string; auth: { authorization: string } }> {
  const email = `${name.toLowerCase()}-${Date.now()}@example.test`
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    const text = await res.text()
    expect(res.ok, text).toBe(true)
    return (JSON.parse(text) as { data: { id: number; token: string } }).data
  }
  const { id } = await post('/auth/register', { email, password, name })
  const { token } = await post('/auth/login', { email, password })
  return { id, email, auth: { authorization: `Bearer ${token}` } }
}

/** POSTs JSON with the user's token through `base`, expects 201 and resolves the new row's id. */
export async function create(
  base: string,
  path: string,
  auth: { authorization: string },
  body: unknown,
): Promise<number> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  expect(res.status, text).toBe(201)
  return (JSON.parse(text) as { data: { id: number } }).data.id
}
