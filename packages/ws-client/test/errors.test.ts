import { describe, expect, it } from 'vitest'
import { readmeErrorCodes, sourceErrorCodes } from '@mega/test-utils'
import { MegaError } from '@mega/core'
import { MegaWsClientError, WS_CLIENT_ERROR_CODES } from '../src/index.js'

describe('@mega/ws-client error codes', () => {
  it('lists every code the source uses, and the README table lists them all', async () => {
    const used = (await sourceErrorCodes(new URL('../src', import.meta.url).pathname)).filter((c) =>
      c.startsWith('MEGA_WSC_'),
    )
    expect([...WS_CLIENT_ERROR_CODES].sort()).toEqual(used)
    const listed = await readmeErrorCodes(new URL('../README.md', import.meta.url).pathname)
    expect([...listed].sort()).toEqual(used)
  })

  it('is recognised by MegaError.is (the shared brand), without depending on @mega/observe', () => {
    const err = new MegaWsClientError('MEGA_WSC_TIMEOUT', 'late')
    expect(MegaError.is(err, 'MEGA_WSC_TIMEOUT')).toBe(true)
    expect(MegaWsClientError.is(new MegaError('MEGA_X', 'x'), 'MEGA_X')).toBe(true)
    expect(MegaWsClientError.is(new Error('x'))).toBe(false)
  })
})
