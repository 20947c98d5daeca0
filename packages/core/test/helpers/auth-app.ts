import {
  MemoryAccessTokenStore,
  MemorySessionAdapter,
  auth,
  createApp,
  sessions,
  type AuthOptions,
  type MegaAuthUser,
  type MegaServer,
  type RouteTable,
} from '../../src/index.js'

/** The users the auth tests sign in (the type comes from `auth.test-d.ts`'s augmentation). */
export const USERS: ReadonlyMap<number, MegaAuthUser> = new Map([
  [1, { id: 1, email: 'ann@example.com', roles: ['staff'] }],
  [2, { id: 2, email: 'bob@example.com', roles: [] }],
])

export const SECRET = 'an-auth-test-secret-that-is-long-enough'

/** An app with sessions and auth over the users above; closed by the returned `close`. */
export async function authApp(
  routes: RouteTable,
  options: Partial<AuthOptions> = {},
  clock = { now: new Date('2026-12-06T12:00:00Z') },
) {
  const store = new MemorySessionAdapter('session', {})
  await store.connect()
  const tokens = new MemoryAccessTokenStore()
  const server: MegaServer = createApp({
    routes,
    adapters: { session: store },
    plugins: [
      sessions({ secret: SECRET }),
      auth({
        resolveUser: (principal) => USERS.get(Number(principal)),
        tokens,
        now: () => clock.now,
        ...options,
      }),
    ],
  })
  const close = async () => {
    await server.close()
    await store.disconnect()
  }
  return { server, store, tokens, clock, close }
}

/** The `mega.sid` cookie value a response set, if any. */
export function sidOf(res: { cookies: readonly { name: string; value: string }[] }) {
  return res.cookies.find((c) => c.name === 'mega.sid')?.value
}
