import { describe, expect, it } from 'vitest'
import { readmeErrorCodes, sourceErrorCodes } from '@mega/test-utils'
import { OBSERVE_ERROR_CODES } from '@mega/observe'
import { WS_ERROR_CODES } from '../src/index.js'

describe('@mega/ws error codes', () => {
  it('lists every code the source uses, and the README table lists them all', async () => {
    const all = await sourceErrorCodes(new URL('../src', import.meta.url).pathname)
    const used = all.filter((code) => code.startsWith('MEGA_WS_'))
    // the others are observe's, only recognised here (MEGA_METRICS_NOT_INITIALIZED)
    for (const code of all.filter((c) => !used.includes(c)))
      expect(OBSERVE_ERROR_CODES).toContain(code)
    expect([...WS_ERROR_CODES].sort()).toEqual(used)
    const listed = await readmeErrorCodes(new URL('../README.md', import.meta.url).pathname)
    expect([...listed].sort()).toEqual(used)
  })
})
