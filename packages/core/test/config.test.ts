import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '@mega/test-utils'
import { MegaError } from '@mega/observe'
import { defineConfig, env, loadConfig, loadEnvFile } from '../src/index.js'

describe('defineConfig', () => {
  it('fills in every default', () => {
    const config = defineConfig({}, {})
    expect(config.apps).toEqual([{ name: 'main', prefix: '/' }])
    expect(config.server).toEqual({
      host: '0.0.0.0',
      port: 3000,
      trustProxy: false,
      bodyLimit: 1_048_576,
      maxJsonDepth: 64,
      workers: 1,
    })
    expect(config.health).toEqual({ livePath: '/health/live', readyPath: '/health/ready' })
    expect(config.logger).toEqual({ enabled: true, level: 'info' })
    expect(defineConfig({ logger: false }, {}).logger.enabled).toBe(false)
    expect(Object.isFrozen(config.server)).toBe(true)
  })

  it('reports three mistakes at once, each with its path', () => {
    let caught: unknown
    try {
      defineConfig(
        {
          server: { port: 70000 },
          adapters: { db: { driver: '' } },
          logger: { level: 'loud' },
        } as never,
        {},
      )
    } catch (err) {
      caught = err
    }
    expect(MegaError.is(caught, 'MEGA_CONFIG_INVALID')).toBe(true)
    const issues = (caught as MegaError).issues ?? []
    expect(issues.map((i) => i.path).sort()).toEqual([
      'config.adapters.db.driver',
      'config.logger.level',
      'config.server.port',
    ])
  })

  it('rejects unknown keys and duplicate app names', () => {
    expect(() => defineConfig({ sever: {} } as never, {})).toThrow(/config/)
    try {
      defineConfig({ apps: [{ name: 'a' }, { name: 'a', prefix: '/b' }] }, {})
      expect.unreachable()
    } catch (err) {
      expect((err as MegaError).issues?.[0]?.path).toBe('config.apps[1].name')
    }
  })

  it('takes host and port from HOST and PORT when set', () => {
    const config = defineConfig({ server: { port: 4000 } }, { HOST: '127.0.0.1', PORT: '8080' })
    expect([config.server.host, config.server.port]).toEqual(['127.0.0.1', 8080])
    expect(() => defineConfig({}, { PORT: 'eighty' })).toThrow(
      expect.objectContaining({ code: 'MEGA_CONFIG_INVALID' }),
    )
  })

  it('takes trustProxy as Fastify does: a boolean, a hop count, or IPs and CIDR ranges', () => {
    const accepted = [true, 2, '10.0.0.0/8, loopback', ['::1', 'fe80::/10', '192.168.1.7']] as const
    for (const trustProxy of accepted)
      expect(defineConfig({ server: { trustProxy } }, {}).server.trustProxy).toEqual(trustProxy)
    const issueOf = (trustProxy: unknown) => {
      try {
        defineConfig({ server: { trustProxy: trustProxy as never } }, {})
      } catch (err) {
        return (err as MegaError).issues
      }
      return undefined
    }
    expect(issueOf('10.0.0.0/40')).toEqual([
      { path: 'config.server.trustProxy', message: expect.stringContaining('use 0–32') },
    ])
    expect(issueOf(['10.0.0.1', 'proxy.local'])).toEqual([
      {
        path: 'config.server.trustProxy',
        message: expect.stringContaining('"proxy.local" is not'),
      },
    ])
    expect(issueOf(-1)).toEqual([
      { path: 'config.server.trustProxy', message: 'use 0 or more hops' },
    ])
    expect(issueOf('')?.[0]?.message).toBe('name at least one proxy address or range')
    expect(issueOf({})?.[0]?.message).toMatch(/hop count/)
  })

  it('validates maxJsonDepth', () => {
    expect(defineConfig({ server: { maxJsonDepth: 10 } }, {}).server.maxJsonDepth).toBe(10)
    expect(() => defineConfig({ server: { maxJsonDepth: 0 } }, {})).toThrow(
      expect.objectContaining({ code: 'MEGA_CONFIG_INVALID' }),
    )
  })

  it('never mutates the caller object', () => {
    const input = { server: { port: 1 } }
    defineConfig(input, { PORT: '2' })
    expect(input).toEqual({ server: { port: 1 } })
  })
})

describe('env', () => {
  it('coerces to the type of the default', () => {
    process.env.MEGA_T_NUM = '42'
    process.env.MEGA_T_BOOL = 'yes'
    process.env.MEGA_T_STR = 'hi'
    expect(env('MEGA_T_NUM', 1)).toBe(42)
    expect(env('MEGA_T_BOOL', false)).toBe(true)
    expect(env('MEGA_T_STR', 'x')).toBe('hi')
    expect(env('MEGA_T_MISSING', 7)).toBe(7)
  })

  it('names the variable when it is missing or unparseable', () => {
    process.env.MEGA_T_BAD = 'abc'
    expect(() => env('MEGA_T_BAD', 1)).toThrow(/MEGA_T_BAD is "abc", not a number/)
    expect(() => env('MEGA_T_NOPE')).toThrow(/MEGA_T_NOPE is not set/)
    process.env.MEGA_T_BADBOOL = 'maybe'
    expect(() => env('MEGA_T_BADBOOL', true)).toThrow(/not a boolean/)
  })
})

describe('loadEnvFile / loadConfig', () => {
  it('loads .env without overriding variables already set', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, '.env'), 'A=from-file\nB="quoted value"\n# comment\n')
    const target: NodeJS.ProcessEnv = { A: 'from-env' }
    expect(loadEnvFile(join(dir, '.env'), target)).toEqual(['B'])
    expect(target).toEqual({ A: 'from-env', B: 'quoted value' })
    expect(loadEnvFile(join(dir, 'missing.env'), target)).toEqual([])
  })

  it('loads mega.config.js after .env so env() sees the file values', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, '.env'), 'MEGA_T_CFG_PORT=5555\n')
    await writeFile(
      join(dir, 'mega.config.mjs'),
      `export default { server: { port: Number(process.env.MEGA_T_CFG_PORT) }, adapters: { cache: { driver: 'memory' } } }\n`,
    )
    const config = await loadConfig(dir)
    expect(config.server.port).toBe(5555)
    expect(config.adapters.cache).toEqual({ driver: 'memory' })
  })

  it('uses the defaults when there is no config file, and refuses a file without a default export', async () => {
    const dir = await tempDir()
    expect((await loadConfig(dir, { env: {} })).apps[0]?.name).toBe('main')
    await writeFile(join(dir, 'mega.config.js'), 'export const x = 1\n')
    await expect(loadConfig(dir, { env: {} })).rejects.toThrow(
      /export the configuration as default/,
    )
  })
})
