import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { createTestApp, type TestApp } from '@mega/core/testing'
import { createMigrator, type SqlDbAdapter } from '@mega/db'

/** The example's folder (holds mega.config.ts and apps/). */
export const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Boots the example from its folder (in-memory SQLite under vitest, see vitest.config.ts; PostgreSQL
 * when DATABASE_URL is set) and applies its migrations, as `pnpm start` does. Closed when the test
 * (or, from beforeAll, the file) ends.
 */
export async function bootApp(): Promise<TestApp> {
  const app = await createTestApp({ root })
  const db = app.runtime.adapters.get<SqlDbAdapter>('db')
  const results = await createMigrator({ db, root }).up()
  const failed = results.find((r) => r.status === 'failed')
  if (failed !== undefined) throw failed.error
  return app
}

/** The database adapter of a booted app. */
export function dbOf(app: TestApp): SqlDbAdapter {
  return app.runtime.adapters.get<SqlDbAdapter>('db')
}

let counter = 0

/** A signed-in user: registers (fresh email unless given) and logs in. */
export async function signUp(
  app: TestApp,
  overrides: { email?: string; password?: string; name?: string } = {},
): Promise<{ token: string; id: number; email: string; auth: { authorization: string } }> {
  counter += 1
  const email = overrides.email ?? `user${counter}-${Date.now()}@example.test`
  const password = overrides.password ?? 'correct horse battery'
  const registered = await app.inject({
    method: 'POST',
    url: '/auth/register',
    payload: { email, password, name: overrides.name ?? `User ${counter}` },
  })
  expect(registered.statusCode, registered.body).toBe(201)
  const login = await app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { email, password },
  })
  expect(login.statusCode, login.body).toBe(200)
  const token = login.json<{ data: { token: string } }>().data.token
  return {
    token,
    id: registered.json<{ data: { id: number } }>().data.id,
    email,
    auth: { authorization: `Bearer ${token}` },
  }
}

/** A signed-in staff user: signs up with an email listed in `STAFF_EMAILS` for that one call. */
export async function signUpStaff(
  app: TestApp,
  overrides: { email?: string; name?: string } = {},
): ReturnType<typeof signUp> {
  counter += 1
  const email = overrides.email ?? `staff${counter}-${Date.now()}@example.test`
  process.env.STAFF_EMAILS = email
  try {
    return await signUp(app, { ...overrides, email })
  } finally {
    delete process.env.STAFF_EMAILS
  }
}

/** What the helpers below read of a response. */
interface JsonResponse {
  json<T>(): T
}

/** The values of `key` in the items of a list response (`data.items`). */
export function itemsOf(res: JsonResponse, key: string): unknown[] {
  return res.json<{ data: { items: Record<string, unknown>[] } }>().data.items.map((i) => i[key])
}

/** The sorted field paths of a 422 response (`error.details[].path`). */
export function errorPaths(res: JsonResponse): string[] {
  return res
    .json<{ error: { details: { path: string }[] } }>()
    .error.details.map((d) => d.path)
    .sort()
}
