import { describe, expect, it, vi } from 'vitest'
import type { ScheduleContext } from '@mega/jobs'
import {{Name}}Schedule from '../../apps/{{app}}/schedules/{{name}}-schedule.js'

describe('{{Name}}Schedule', () => {
  it('runs every hour on the hour, UTC', () => {
    expect({{Name}}Schedule.cron).toBe('0 * * * *')
    expect({{Name}}Schedule.timezone).toBe('UTC')
  })

  it('logs the tick it runs', async () => {
    const info = vi.fn()
    const scheduledAt = new Date('2026-01-01T10:00:00Z')
    const ctx = { log: { info }, scheduledAt } as unknown as ScheduleContext
    await new {{Name}}Schedule().run(ctx)
    expect(info).toHaveBeenCalledWith({ at: '2026-01-01T10:00:00.000Z' }, '{{name}} ran')
  })
})
