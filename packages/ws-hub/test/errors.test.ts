import { describe, expect, it } from 'vitest'
import { readmeErrorCodes, sourceErrorCodes } from '@mega/test-utils'
import { WS_ERROR_CODES } from '@mega/ws'
import { WS_HUB_ERROR_CODES } from '../src/index.js'

describe('@mega/ws-hub error codes', () => {
  it('lists every code the source uses, and the README table lists them all', async () => {
    const found = await sourceErrorCodes(new URL('../src', import.meta.url).pathname)
    const all = found.filter((name) => !name.startsWith('MEGA_HUB_')) // the bin's env variables
    // the wire's parse codes (MEGA_WS_HUB_INVALID_FRAME...) are @mega/ws's, sent on in error frames
    const used = all.filter((code) => !(WS_ERROR_CODES as readonly string[]).includes(code))
    for (const code of all.filter((c) => !used.includes(c))) expect(WS_ERROR_CODES).toContain(code)
    expect([...WS_HUB_ERROR_CODES].sort()).toEqual(used)
    const listed = await readmeErrorCodes(new URL('../README.md', import.meta.url).pathname)
    expect([...listed].sort()).toEqual(used)
  })
})
