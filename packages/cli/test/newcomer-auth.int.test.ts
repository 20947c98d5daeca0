// The newcomer path with sign-in, for real: `mega new --auth`, install the workspace's packed
// packages, migrate, type-check and run the app's own tests, boot it, then sign up and in over HTTP
// (the pages with their CSRF token and cookie session, and the JSON API with a bearer token), and be
// refused with a wrong password. Needs `pnpm build` first and pnpm on PATH (see newcomer.int.test.ts).
import { join } from 'node:path'
import { createFormClient, startServer, userShellEnv } from '@mega/test-utils'
import { describe, expect, it } from 'vitest'
import { must, newInstalledApp } from './helpers/generated-app.js'

async function api(base: string, path: string, body?: object, token?: string) {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  type Envelope = { data?: { token?: string; email?: string }; error?: { code: string } }
  return { status: res.status, json: (await res.json()) as Envelope }
}

describe('the newcomer path with --auth', () => {
  it('creates an app with sign-in that type-checks, passes its tests and signs up and in over HTTP', async () => {
    const { app, created } = await newInstalledApp('club', ['--auth'])
    expect(created).toContain('run migrate && ')

    await must('npx', ['mega', 'migrate', 'check'], app) // the template's migrations cover the models
    expect(await must('npx', ['mega', 'migrate', 'up'], app)).toMatch(
      /✓ applied {2}20250101000000-create-notes .*\n✓ applied {2}20250101000001-create-users/,
    )
    await must('npx', ['tsc', '-p', 'tsconfig.json'], app) // the generated code type-checks
    expect(await must('npx', ['vitest', 'run'], app)).toMatch(/Tests\s+8 passed/)

    const server = await startServer(
      process.execPath,
      [join(app, 'node_modules/@mega/cli/bin/mega.js'), 'start'],
      { cwd: app, env: userShellEnv({ PORT: '0', HOST: '127.0.0.1' }) },
    )
    try {
      const email = 'newcomer@example.com'
      const password = 'a long enough password'
      const browser = createFormClient(server.url)
      expect(await browser.submit('/auth/sign-up', { email, password })).toMatchObject({
        status: 303,
        location: '/auth/account',
      })
      expect((await browser.open('/auth/account')).body).toContain(email)
      expect(await browser.submit('/auth/sign-out', {}, '/auth/account')).toMatchObject({
        status: 303,
      })
      expect((await browser.open('/auth/account')).status).toBe(303) // signed out
      const refused = await browser.submit('/auth/sign-in', { email, password: 'wrong password' })
      expect(refused.status).toBe(401)
      expect(refused.body).toContain('Wrong email or password.')
      expect((await browser.submit('/auth/sign-in', { email, password })).status).toBe(303)
      expect((await browser.open('/auth/account')).body).toContain(email)

      const wrong = await api(server.url, '/api/auth/login', { email, password: 'wrong password' })
      expect(wrong).toMatchObject({
        status: 401,
        json: { error: { code: 'AUTH_INVALID_CREDENTIALS' } },
      })
      const login = await api(server.url, '/api/auth/login', { email, password })
      expect(login.status).toBe(200)
      const me = await api(server.url, '/api/auth/me', undefined, login.json.data?.token)
      expect(me).toMatchObject({ status: 200, json: { data: { email } } })
    } finally {
      expect(await server.stop()).toBe(0)
    }
  }, 600_000)
})
