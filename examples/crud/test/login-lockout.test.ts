import { describe, expect, it } from 'vitest'
import type { TestApp } from '@mega/core/testing'
import { bootApp, signUp } from './helpers/crud-app.js'

const login = (app: TestApp, email: string, password: string, remoteAddress = '127.0.0.1') =>
  app.inject({
    method: 'POST',
    url: '/auth/login',
    remoteAddress,
    payload: { email, password },
  })

describe('login lockout (core bruteForce behind AuthService.verify)', () => {
  it('locks the account when guesses come from many addresses', async () => {
    const app = await bootApp()
    const user = await signUp(app, { password: 'the right one' })
    for (let i = 1; i <= 10; i++)
      expect((await login(app, user.email, 'a guess', `198.51.100.${i}`)).statusCode).toBe(401)
    const blocked = await login(app, user.email, 'the right one', '203.0.113.99')
    expect(blocked.statusCode).toBe(429)
    expect(blocked.json().error).toMatchObject({
      code: 'MEGA_LOCKED_OUT',
      details: { retryAfterS: 900 },
    })
    expect(blocked.headers['retry-after']).toBe('900')
  })

  it('locks one address guessing many accounts, not the accounts themselves', async () => {
    const app = await bootApp()
    const owner = await signUp(app, { password: 'the right one' })
    const attacker = '192.0.2.66'
    for (let i = 1; i <= 50; i++)
      expect((await login(app, `nobody${i}@example.test`, 'a guess', attacker)).statusCode).toBe(
        401,
      )
    const blocked = await login(app, owner.email, 'the right one', attacker)
    expect(blocked.statusCode).toBe(429)
    expect(blocked.json().error.code).toBe('MEGA_LOCKED_OUT')
    expect((await login(app, owner.email, 'the right one', '192.0.2.67')).statusCode).toBe(200)
  })

  it('a successful login clears the account count', async () => {
    const app = await bootApp()
    const user = await signUp(app, { password: 'the right one' })
    for (let round = 0; round < 3; round++) {
      for (let i = 1; i <= 9; i++)
        expect((await login(app, user.email, 'a guess')).statusCode).toBe(401)
      expect((await login(app, user.email, 'the right one')).statusCode).toBe(200)
    }
  })

  it('staff can lift a lockout (AuthService.unlock)', async () => {
    const app = await bootApp()
    const user = await signUp(app, { password: 'the right one' })
    for (let i = 1; i <= 10; i++) await login(app, user.email, 'a guess')
    expect((await login(app, user.email, 'the right one')).statusCode).toBe(429)
    const services = app.runtime.server.apps[0]!.scope.services
    await services.auth.unlock(user.email.toUpperCase()) // normalised like the login
    expect((await login(app, user.email, 'the right one')).statusCode).toBe(200)
  })
})
