import { describe, expect, it } from 'vitest'
import { exportNames, importBuilt, typeExportNames } from '@mega/test-utils'
import * as source from '../src/index.js'

describe('@mega/jobs public exports', () => {
  it('names exactly this API (update the snapshot when the API changes on purpose)', () => {
    expect(exportNames(source)).toMatchInlineSnapshot(`
      [
        "DEFAULT_SCHEDULE_GRACE_MS",
        "DEFAULT_SCHEDULE_KEY_PREFIX",
        "DEFAULT_SCHEDULE_LOCK",
        "DEFAULT_SCHEDULE_LOCK_TTL_MS",
        "DEFAULT_SCHEDULE_STOP_TIMEOUT_MS",
        "DEFAULT_SCHEDULE_TIMEZONE",
        "JOBS_ERRORS",
        "JOBS_ERROR_CODES",
        "MISSED_TICK_POLICIES",
        "MegaSchedule",
        "NatsBusAdapter",
        "SCHEDULE_OUTCOMES",
        "SCHEDULE_RUN_IN",
        "SCHEDULE_TICKS_METRIC",
        "defineSchedule",
        "jobs",
        "megaDrivers",
        "natsDriver",
        "runWorkers",
      ]
    `)
  })

  it('the built package a user installs exposes the same API', async () => {
    const built = await importBuilt(new URL('..', import.meta.url).pathname)
    expect(exportNames(built)).toEqual(exportNames(source))
  })

  it('names exactly these types (update the snapshot when a type is added or removed on purpose)', () => {
    expect(typeExportNames(new URL('../src/index.ts', import.meta.url).pathname))
      .toMatchInlineSnapshot(`
        [
          "JobsErrorCode",
          "JobsOptions",
          "MegaWorkers",
          "MissedTickPolicy",
          "NatsBusOptions",
          "NatsBusScope",
          "NatsConnect",
          "RunWorkersOptions",
          "ScheduleClass",
          "ScheduleContext",
          "ScheduleDefinition",
          "ScheduleOutcome",
          "ScheduleRunIn",
          "ScheduleStatics",
          "ScheduleTickInfo",
          "ScheduleTimers",
          "SchedulesOptions",
        ]
      `)
  })
})
