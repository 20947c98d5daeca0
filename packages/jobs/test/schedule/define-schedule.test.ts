import { describe, expect, it } from 'vitest'
import { caught } from '@mega/test-utils'
import { MegaSchedule, defineSchedule, type ScheduleDefinition } from '../../src/index.js'
import { resolveSchedule } from '../../src/schedule/schedule-spec.js'

const run = () => undefined

describe('defineSchedule', () => {
  it('fills in the defaults and names the schedule after its file', () => {
    const spec = resolveSchedule(
      defineSchedule({ cron: '0 3 1 * *', run }),
      '/app/apps/main/schedules/log-partition-schedule.ts',
    )
    expect(spec).toMatchObject({
      name: 'log-partition',
      cron: '0 3 1 * *',
      timezone: 'UTC',
      overlap: false,
      missedTicks: 'skip',
    })
  })

  it('takes a name, a time zone, seconds, overlap and the run-once policy', () => {
    const spec = resolveSchedule(
      defineSchedule({
        name: 'nightly',
        cron: '30 0 2 * * *',
        timezone: 'Europe/Paris',
        overlap: true,
        missedTicks: 'run-once',
        run,
      }),
      '/x/schedules/other-schedule.js',
    )
    expect(spec).toMatchObject({ name: 'nightly', timezone: 'Europe/Paris', overlap: true })
  })

  it('reports every wrong option in one MEGA_SCHEDULE_INVALID', () => {
    const error = caught(() =>
      defineSchedule({
        cron: '* * * * *',
        overlap: 'no',
        missedTicks: 'catch-up',
        run,
      } as unknown as ScheduleDefinition),
    )
    expect(error.code).toBe('MEGA_SCHEDULE_INVALID')
    expect(error.issues?.map((i) => i.path)).toEqual(['overlap', 'missedTicks'])
  })

  it.each([
    ['61 * * * *', 'UTC'],
    ['* * * *', 'UTC'],
    ['* * * * * * *', 'UTC'],
    ['* * * * *', 'Mars/Olympus_Mons'],
  ])('refuses cron %j in time zone %j, naming both', (cron, timezone) => {
    const error = caught(() => defineSchedule({ cron, timezone, run }))
    expect(error.code).toBe('MEGA_SCHEDULE_INVALID')
    expect(error.message).toContain(`cron "${cron}" in time zone "${timezone}"`)
  })

  it('refuses a definition without run, an unknown option, or a bad name', () => {
    expect(caught(() => defineSchedule({ cron: '* * * * *' } as ScheduleDefinition)).code).toBe(
      'MEGA_SCHEDULE_INVALID',
    )
    const unknown = caught(() =>
      defineSchedule({ cron: '* * * * *', run, every: 5 } as unknown as ScheduleDefinition),
    )
    expect(unknown.message).toContain('every')
    expect(caught(() => defineSchedule({ name: '9 lives', cron: '* * * * *', run })).code).toBe(
      'MEGA_SCHEDULE_INVALID',
    )
  })
})

describe('a schedule class', () => {
  it('declares its statics and run', async () => {
    class Report extends MegaSchedule {
      static cron = '*/5 * * * *'
      static missedTicks = 'run-once' as const
      ran = 0
      run() {
        this.ran++
      }
    }
    const spec = resolveSchedule(Report, '/a/schedules/report-schedule.mjs')
    expect(spec).toMatchObject({ name: 'report', cron: '*/5 * * * *', missedTicks: 'run-once' })
    expect(spec.instance).toBeInstanceOf(Report)
  })

  it('is refused at load without a cron, or when the file exports something else', () => {
    class NoCron extends MegaSchedule {
      run() {}
    }
    const error = caught(() => resolveSchedule(NoCron, '/a/schedules/x-schedule.ts'))
    expect(error.code).toBe('MEGA_SCHEDULE_INVALID')
    expect(error.message).toContain('/a/schedules/x-schedule.ts')
    expect(error.message).toContain('cron')
    const other = caught(() => resolveSchedule({ cron: '* * * * *', run }, '/a/y-schedule.ts'))
    expect(other.message).toContain('must export default a schedule')
  })
})
