import { describe, expect, it } from 'vitest'
import { MegaError, MemoryBusAdapter } from '@mega/core'
import { checkPattern, checkSubject, decodeData, encodeData } from '../src/internal/bus-input.js'

const SAMPLES = [
  'orders',
  'orders.created',
  'a.b.c.d',
  'orders.*',
  '*.created',
  'orders.>',
  '>',
  '*',
  'orders.>.x',
  'orders..created',
  '.orders',
  'orders.',
  'or ders',
  'orders.cre*',
  'orders.>x',
  '',
]

async function accepts(run: () => unknown): Promise<boolean> {
  try {
    await run()
    return true
  } catch (err) {
    expect(MegaError.is(err) && err.code === 'MEGA_ADAPTER_INVALID_INPUT').toBe(true)
    return false
  }
}

describe('bus subject rules', () => {
  it('accepts and refuses exactly the subjects and patterns the memory bus does', async () => {
    const memory = new MemoryBusAdapter('bus')
    for (const sample of SAMPLES) {
      expect(await accepts(() => checkSubject(sample)), `subject ${sample}`).toBe(
        await accepts(() => memory.publish(sample, 1)),
      )
      expect(await accepts(() => checkPattern(sample)), `pattern ${sample}`).toBe(
        await accepts(() => memory.subscribe(sample, () => undefined)),
      )
    }
    await memory.disconnect()
  })

  it('says what a subject and a pattern look like', () => {
    expect(() => checkSubject('orders.*')).toThrowErrorMatchingInlineSnapshot(
      `[MegaError: Invalid subject "orders.*": use dot-separated tokens such as "orders.created".]`,
    )
    expect(() => checkPattern('orders.>.x')).toThrowErrorMatchingInlineSnapshot(
      `[MegaError: Invalid pattern "orders.>.x": use dot-separated tokens such as "orders.created", with * for one token and > at the end for the rest.]`,
    )
  })
})

describe('bus data encoding', () => {
  it('round-trips JSON data, undefined included', () => {
    for (const data of [{ a: [1, 'x', null] }, 'text', 0, false, null, undefined])
      expect(decodeData(encodeData(data, 's'))).toEqual(data)
    expect(decodeData(encodeData({ at: new Date(0) }, 's'))).toEqual({
      at: '1970-01-01T00:00:00.000Z',
    })
  })

  it('refuses what JSON cannot hold with MEGA_ADAPTER_INVALID_INPUT', () => {
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    for (const data of [10n, cycle, () => 1])
      expect(() => encodeData(data, 'orders.created')).toThrow(
        expect.objectContaining({ code: 'MEGA_ADAPTER_INVALID_INPUT' }),
      )
  })
})
