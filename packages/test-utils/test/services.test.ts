import { createServer, type Server } from 'node:net'
import { describe, expect, it } from 'vitest'
import { requireService, serviceUrl, uniqueName, tempDir } from '../src/index.js'
import { existsSync } from 'node:fs'

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((s) => s.destroy()).listen(0, '127.0.0.1', () => {
      const address = server.address()
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 })
    })
  })
}

async function closedPort(): Promise<number> {
  const { server, port } = await listen()
  await new Promise((r) => server.close(r))
  return port
}

describe('serviceUrl', () => {
  it('uses the MEGA_TEST_* variable when set and the loopback default otherwise', () => {
    expect(serviceUrl('postgres', {})).toBe('postgres://postgres@127.0.0.1:5432/test')
    expect(serviceUrl('maria', {})).toBe('mysql://root@127.0.0.1:3306/test')
    expect(serviceUrl('redis', {})).toBe('redis://127.0.0.1:6379')
    expect(serviceUrl('nats', {})).toBe('nats://127.0.0.1:4222')
    expect(serviceUrl('redis', { MEGA_TEST_REDIS_URL: 'redis://10.0.0.1:7000' })).toBe(
      'redis://10.0.0.1:7000',
    )
  })

  it('has no default for mongo', () => {
    expect(serviceUrl('mongo', {})).toBeUndefined()
    expect(serviceUrl('mongo', { MEGA_TEST_MONGO_URL: 'mongodb://h/db' })).toBe('mongodb://h/db')
  })

  it('rejects an unknown service name', () => {
    expect(() => serviceUrl('oracle' as 'redis', {})).toThrow(/Unknown service "oracle"/)
  })
})

describe('requireService', () => {
  it('reports a listening service as available and prints nothing', async () => {
    const { server, port } = await listen()
    const lines: string[] = []
    const status = await requireService('redis', {
      env: { MEGA_TEST_REDIS_URL: `redis://127.0.0.1:${port}`, MEGA_REQUIRE_SERVICES: '1' },
      warn: (l) => lines.push(l),
    })
    server.close()
    expect(status.available).toBe(true)
    expect(lines).toEqual([])
  })

  it('skips with one loud line naming the service when not required', async () => {
    const port = await closedPort()
    const lines: string[] = []
    const status = await requireService('nats', {
      env: { MEGA_TEST_NATS_URL: `nats://127.0.0.1:${port}` },
      warn: (l) => lines.push(l),
    })
    expect(status.available).toBe(false)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/SKIPPING.*nats/)
  })

  it('fails when MEGA_REQUIRE_SERVICES=1 and the service does not answer', async () => {
    const port = await closedPort()
    await expect(
      requireService('postgres', {
        env: { MEGA_TEST_PG_URL: `postgres://127.0.0.1:${port}/test`, MEGA_REQUIRE_SERVICES: '1' },
        warn: () => undefined,
      }),
    ).rejects.toThrow(/postgres is required/)
  })

  it('never requires mongo', async () => {
    const lines: string[] = []
    const status = await requireService('mongo', {
      env: { MEGA_REQUIRE_SERVICES: '1' },
      warn: (l) => lines.push(l),
    })
    expect(status.available).toBe(false)
    expect(lines[0]).toMatch(/MEGA_TEST_MONGO_URL is not set/)
  })
})

describe('uniqueName', () => {
  it('gives distinct identifier-safe names', () => {
    const names = new Set(Array.from({ length: 50 }, () => uniqueName('My-Stream')))
    expect(names.size).toBe(50)
    for (const n of names) expect(n).toMatch(/^my_stream_\d+_\d+_[0-9a-f]{6}$/)
  })
})

describe('tempDir', () => {
  let seen = ''
  it('creates a directory for the test', async () => {
    seen = await tempDir()
    expect(existsSync(seen)).toBe(true)
  })
  it('removed it when the previous test ended', () => {
    expect(seen).not.toBe('')
    expect(existsSync(seen)).toBe(false)
  })
})

describe('readmeErrorCodes', () => {
  it('reads the codes of an error table, ignoring codes mentioned elsewhere', async () => {
    const { writeFile } = await import('node:fs/promises')
    const dir = await tempDir()
    await writeFile(
      `${dir}/README.md`,
      'Use `MEGA_NOT_A_ROW` here.\n\n| Code | When |\n|---|---|\n| `MEGA_A` | a |\n| `MEGA_B_2` | b |\n',
    )
    const { readmeErrorCodes } = await import('../src/index.js')
    expect(await readmeErrorCodes(`${dir}/README.md`)).toEqual(['MEGA_A', 'MEGA_B_2'])
  })
})
