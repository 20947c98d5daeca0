import { describe, expect, it } from 'vitest'
import { readmeErrorCodes, sourceErrorCodes } from '@mega/test-utils'
import { DB_ERROR_CODES, dbError } from '../src/index.js'

describe('dbError', () => {
  it('sets the status each code maps to', () => {
    expect(dbError('MEGA_DB_CONFLICT', 'x').statusCode).toBe(409)
    expect(dbError('MEGA_CRUD_NOT_FOUND', 'x').statusCode).toBe(404)
    expect(dbError('MEGA_MODEL_INVALID', 'x').statusCode).toBeUndefined()
  })
})

describe('README error table', () => {
  it('lists exactly DB_ERROR_CODES', async () => {
    const listed = await readmeErrorCodes(new URL('../README.md', import.meta.url).pathname)
    expect([...listed].sort()).toEqual([...DB_ERROR_CODES].sort())
  })

  it('DB_ERROR_CODES declares every code the source uses (besides core and observe codes)', async () => {
    const used = await sourceErrorCodes(new URL('../src', import.meta.url).pathname)
    const foreign = new Set(['MEGA_CONFIG_INVALID', 'MEGA_VALIDATION_FAILED'])
    expect(
      used.filter((c) => !(DB_ERROR_CODES as readonly string[]).includes(c) && !foreign.has(c)),
    ).toEqual([])
  })
})
