import { describe, expect, it } from 'vitest'
import { readmeErrorCodes, sourceErrorCodes } from '@mega/test-utils'
import { OBSERVE_ERROR_CODES } from '@mega/observe'
import { JOBS_ERROR_CODES } from '../src/index.js'

// Codes of @mega/core and @mega/observe this package throws; the README lists them too.
const FOREIGN = ['MEGA_ADAPTER_INVALID_INPUT', 'MEGA_CONFIG_INVALID']

describe('README error table', () => {
  it('lists exactly JOBS_ERROR_CODES and the core codes the package throws', async () => {
    const listed = await readmeErrorCodes(new URL('../README.md', import.meta.url).pathname)
    expect([...listed].sort()).toEqual([...JOBS_ERROR_CODES, ...FOREIGN].sort())
  })

  it('JOBS_ERROR_CODES declares every code the source uses (besides core and observe codes)', async () => {
    const used = await sourceErrorCodes(new URL('../src', import.meta.url).pathname)
    // MEGA_METRICS_NOT_INITIALIZED is observe's, only recognised (metrics off), never thrown
    const recognised = ['MEGA_METRICS_NOT_INITIALIZED']
    expect(OBSERVE_ERROR_CODES).toEqual(expect.arrayContaining(recognised))
    expect(
      used.filter(
        (c) =>
          !(JOBS_ERROR_CODES as readonly string[]).includes(c) &&
          !FOREIGN.includes(c) &&
          !recognised.includes(c),
      ),
    ).toEqual([])
  })
})
