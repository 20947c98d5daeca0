import type { LockAdapter, MegaAdapter, PluginApp } from '@mega/core'
import { jobsError } from '../errors.js'
import { resolveSchedule, scheduleInvalid, type ScheduleSpec } from '../schedule/schedule-spec.js'

/** Loads and checks `apps/<app>/schedules/*-schedule.*`; two schedules of one name are refused. */
export async function loadSchedules(app: PluginApp): Promise<ScheduleSpec[]> {
  const specs: ScheduleSpec[] = []
  const files = new Map<string, string>()
  for (const { file, value } of await app.loadModules('schedules', '-schedule')) {
    const spec = resolveSchedule(value, file)
    const other = files.get(spec.name)
    if (other !== undefined)
      throw scheduleInvalid(
        `App "${app.name}" has two schedules named "${spec.name}" (${other} and ${file}): give each its own name.`,
      )
    files.set(spec.name, file)
    specs.push(spec)
  }
  return specs
}

/** The app's lock adapter under `alias`, or a `MEGA_JOBS_OPTIONS_INVALID` saying what to configure. */
export function scheduleLockOf(app: PluginApp, alias: string): LockAdapter {
  let adapter: unknown
  try {
    adapter = app.scope.adapter<unknown>(alias)
  } catch (err) {
    throw jobsError(
      'MEGA_JOBS_OPTIONS_INVALID',
      `Schedules take a lock per tick through the lock adapter "${alias}", which is not configured: add adapters.${alias} = { driver: 'redis', url } (@mega/db; across processes) or { driver: 'memory' } (one process), or name another with jobs({ schedules: { lock } }).`,
      { cause: err },
    )
  }
  const kind = (adapter as Partial<MegaAdapter> | undefined)?.kind
  if (kind !== 'lock')
    throw jobsError(
      'MEGA_JOBS_OPTIONS_INVALID',
      `The adapter "${alias}" is a ${String(kind)} adapter, not a lock: name a lock adapter with jobs({ schedules: { lock } }).`,
    )
  return adapter as LockAdapter
}
