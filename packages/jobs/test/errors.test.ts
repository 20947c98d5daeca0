import { describe, expect, it } from 'vitest'
import { readmeErrorCodes, sourceErrorCodes } from '@mega/test-utils'
import { OBSERVE_ERROR_CODES } from '@mega/observe'
import { JOBS_ERROR_CODES } from '../src/index.js'

// Codes of @mega/core and @mega/observe this package throws; the README lists them too.
const FOREIGN = ['MEGA_ADAPTER_INVALID_INPUT', 'MEGA_CONFIG_INVALID']
// Observe's codes the source only recognises (catches: metrics off), never throws: not in the README.
const RECOGNISED = ['MEGA_METRICS_NOT_INITIALIZED']
// Strings shaped like a code that are not errors: the default JetStream stream prefix, and the
// process-warning code of MemoryJobQueue (a warning, never thrown).
const NOT_CODES = ['MEGA_JOBS', 'MEGA_JOBS_MEMORY_QUEUE']

describe('README error table', () => {
  it('lists exactly JOBS_ERROR_CODES and the core codes the package throws', async () => {
    const listed = await readmeErrorCodes(new URL('../README.md', import.meta.url).pathname)
    expect([...listed].sort()).toEqual([...JOBS_ERROR_CODES, ...FOREIGN].sort())
  })

  it('JOBS_ERROR_CODES declares every code the source uses (besides core and observe codes)', async () => {
    const used = await sourceErrorCodes(new URL('../src', import.meta.url).pathname)
    expect(OBSERVE_ERROR_CODES).toEqual(expect.arrayContaining(RECOGNISED))
    expect(
      used.filter(
        (c) =>
          !(JOBS_ERROR_CODES as readonly string[]).includes(c) &&
          !FOREIGN.includes(c) &&
          !RECOGNISED.includes(c) &&
          !NOT_CODES.includes(c),
      ),
    ).toEqual([])
  })
})
