import { describe, expect, it } from 'vitest'
import { readmeErrorCodes, sourceErrorCodes } from '@mega/test-utils'
import { WS_ERROR_CODES } from '../src/index.js'

describe('@mega/ws error codes', () => {
  it('lists every code the source uses, and the README table lists them all', async () => {
    const used = await sourceErrorCodes(new URL('../src', import.meta.url).pathname)
    expect([...WS_ERROR_CODES].sort()).toEqual(used)
    const listed = await readmeErrorCodes(new URL('../README.md', import.meta.url).pathname)
    expect([...listed].sort()).toEqual(used)
  })
})
