import { afterEach, describe, expect, it } from 'vitest'
import { env, testDatabaseUrl } from '../src/index.js'

const NAMES = ['NODE_ENV', 'DATABASE_URL', 'DATABASE_URL_TEST', 'MEGA_T_PORT', 'MEGA_T_PORT_TEST']
const saved = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]))
afterEach(() => {
  for (const [name, value] of Object.entries(saved))
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
})

describe('testDatabaseUrl', () => {
  it('appends _test to the database name, once', () => {
    expect(testDatabaseUrl('postgres://u:p@h:5432/blog?sslmode=off')).toBe(
      'postgres://u:p@h:5432/blog_test?sslmode=off',
    )
    expect(testDatabaseUrl('mysql://root@h/blog_test')).toBe('mysql://root@h/blog_test')
    expect(testDatabaseUrl('postgres://h')).toBe('postgres://h') // no database named
    expect(testDatabaseUrl('not a url')).toBe('not a url')
  })
})

describe('env under NODE_ENV=test', () => {
  it('names the _test database for DATABASE_URL, or DATABASE_URL_TEST when set', () => {
    process.env.NODE_ENV = 'test'
    process.env.DATABASE_URL = 'postgres://h/shop'
    delete process.env.DATABASE_URL_TEST
    expect(env('DATABASE_URL')).toBe('postgres://h/shop_test')
    process.env.DATABASE_URL_TEST = 'postgres://h/other'
    expect(env('DATABASE_URL')).toBe('postgres://h/other')
  })

  it('reads X_TEST first for any variable, and the plain value outside tests', () => {
    process.env.MEGA_T_PORT = '3000'
    process.env.MEGA_T_PORT_TEST = '4000'
    process.env.DATABASE_URL = 'postgres://h/shop'
    delete process.env.DATABASE_URL_TEST
    process.env.NODE_ENV = 'test'
    expect(env('MEGA_T_PORT', 1)).toBe(4000)
    process.env.NODE_ENV = 'development'
    expect(env('MEGA_T_PORT', 1)).toBe(3000)
    expect(env('DATABASE_URL')).toBe('postgres://h/shop')
  })
})
