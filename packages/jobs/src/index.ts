// @mega/jobs: the public API, named explicitly.
export { megaDrivers } from './drivers.js'
export { natsDriver } from './bus/nats/nats-driver.js'
export { NatsBusAdapter } from './bus/nats/nats-bus-adapter.js'
export type { NatsBusScope } from './bus/nats/nats-bus-adapter.js'
export type { NatsConnect } from './bus/nats/nats-connection.js'
export type { NatsBusOptions } from './bus/nats/nats-options.js'
export { JOBS_ERRORS, JOBS_ERROR_CODES } from './errors.js'
export type { JobsErrorCode } from './errors.js'
export {
  MegaSchedule,
  MISSED_TICK_POLICIES,
  DEFAULT_SCHEDULE_TIMEZONE,
} from './schedule/mega-schedule.js'
export type {
  MissedTickPolicy,
  ScheduleClass,
  ScheduleContext,
  ScheduleStatics,
} from './schedule/mega-schedule.js'
export { defineSchedule } from './schedule/define-schedule.js'
export type { ScheduleDefinition } from './schedule/define-schedule.js'
export { SCHEDULE_OUTCOMES, SCHEDULE_TICKS_METRIC } from './schedule/schedule-metrics.js'
export type { ScheduleOutcome } from './schedule/schedule-metrics.js'
export type { ScheduleTickInfo } from './schedule/scheduler.js'
export type { ScheduleTimers } from './schedule/schedule-timers.js'
export { jobs } from './plugin/jobs-plugin.js'
export {
  SCHEDULE_RUN_IN,
  DEFAULT_SCHEDULE_GRACE_MS,
  DEFAULT_SCHEDULE_KEY_PREFIX,
  DEFAULT_SCHEDULE_LOCK,
  DEFAULT_SCHEDULE_LOCK_TTL_MS,
  DEFAULT_SCHEDULE_STOP_TIMEOUT_MS,
} from './plugin/jobs-options.js'
export type { JobsOptions, SchedulesOptions, ScheduleRunIn } from './plugin/jobs-options.js'
export { runWorkers } from './plugin/run-workers.js'
export type { RunWorkersOptions, MegaWorkers } from './plugin/run-workers.js'
