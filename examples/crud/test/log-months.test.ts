import { describe, expect, it } from 'vitest'
import {
  logMonth,
  monthsFrom,
  parseLogMonth,
  retentionCutoff,
} from '../apps/main/lib/log-months.js'

describe('log months', () => {
  it('names a month logs_YYYYMM with its UTC range, across a year end', () => {
    expect(logMonth(new Date('2026-12-31T23:59:59.999Z'))).toEqual({
      name: 'logs_202612',
      from: new Date('2026-12-01T00:00:00Z'),
      to: new Date('2027-01-01T00:00:00Z'),
    })
    expect(monthsFrom(new Date('2026-11-20T00:00:00Z'), 2).map((m) => m.name)).toEqual([
      'logs_202611',
      'logs_202612',
      'logs_202701',
    ])
  })

  it('reads partition names back and ignores other tables', () => {
    expect(parseLogMonth('logs_202602')?.from).toEqual(new Date('2026-02-01T00:00:00Z'))
    expect(parseLogMonth('logs_202613')).toBeUndefined()
    expect(parseLogMonth('logs_default')).toBeUndefined()
  })

  it('keeps the current month and the retention months before it', () => {
    expect(retentionCutoff(new Date('2026-03-15T00:00:00Z'), 3)).toEqual(
      new Date('2025-12-01T00:00:00Z'),
    )
    expect(retentionCutoff(new Date('2026-03-15T00:00:00Z'), 0)).toEqual(
      new Date('2026-03-01T00:00:00Z'),
    )
  })
})
