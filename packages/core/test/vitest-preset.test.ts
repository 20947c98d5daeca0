import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveConfig } from 'vitest/node'
import { MEGA_INLINE_PACKAGES, megaVitest } from '../src/testing/vitest-preset.js'

const root = await mkdtemp(join(tmpdir(), 'mega-vitest-preset-'))
afterAll(() => rm(root, { recursive: true, force: true }))

/** What Vitest itself makes of an app config that uses the preset. */
async function resolved(plugin = megaVitest()) {
  const { vitestConfig } = await resolveConfig({ root, config: false }, { plugins: [plugin] })
  return vitestConfig
}

describe('megaVitest()', () => {
  it('makes Vitest transform the packages that import the app’s .ts files', async () => {
    const config = await resolved()
    for (const name of ['@mega/core', '@mega/db', '@mega/jobs', '@mega/ws'])
      expect(config.server.deps?.inline).toContain(name)
    expect(MEGA_INLINE_PACKAGES).not.toContain('@mega/observe') // plain Node module: faster
  })

  it('finds tests under test/ unless told otherwise', async () => {
    expect((await resolved()).include).toEqual(['test/**/*.test.ts'])
    expect((await resolved(megaVitest({ include: ['spec/**/*.spec.ts'] }))).include).toEqual([
      'spec/**/*.spec.ts',
    ])
  })

  it('runs under NODE_ENV=test and adds @mega/db/vitest-setup when @mega/db resolves', async () => {
    const plugin = megaVitest()
    expect(plugin.config({ root }).test.env).toEqual({ NODE_ENV: 'test' })
    const withDb = new URL('../../db/', import.meta.url).pathname // resolves itself by name
    expect(plugin.config({ root: withDb }).test.globalSetup).toEqual([
      expect.stringMatching(/testing\/vitest-setup\.[jt]s$/),
    ])
    expect(
      megaVitest({ prepareDatabases: false }).config({ root: withDb }).test.globalSetup,
    ).toEqual([])
  })
})
