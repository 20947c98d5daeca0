import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { HealthCheck, HealthCheckResult } from '@mega/observe'

/** The name of the readiness check the jobs() plugin registers on a `nats` bus. */
export const JOBS_HEALTH_CHECK = 'jobs'

/** The slice of the bus adapter the check reads: its own health and its connection. */
export interface JobsHealthBus {
  readonly alias: string
  readonly native: NatsConnection
  health(): Promise<{ readonly ok: boolean; readonly error?: unknown }>
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err))

/**
 * The jobs readiness check: the bus is connected, and each job consumer this process started
 * (`consumers()`, job subjects) still exists on the work stream `stream`. Fails, naming what is
 * wrong, when the bus is down or a consumer is gone (deleted, or JetStream does not answer).
 */
export function jobsHealthCheck(
  bus: JobsHealthBus,
  stream: string,
  consumers: () => readonly string[],
): HealthCheck {
  let jsm: Promise<JetStreamManager> | undefined
  return async (): Promise<HealthCheckResult> => {
    const subjects = [...consumers()]
    const up = await bus.health()
    if (!up.ok)
      return {
        ok: false,
        error: `the nats bus "${bus.alias}" is down (${String(up.error)}): jobs cannot be enqueued or consumed`,
        stream,
        consumers: subjects,
      }
    jsm ??= jetstreamManager(bus.native).catch((err: unknown) => {
      jsm = undefined
      throw err
    })
    const missing: string[] = []
    for (const subject of subjects)
      await (await jsm).consumers.info(stream, subject).catch((err: unknown) => {
        missing.push(`${subject} (${message(err)})`)
      })
    if (missing.length > 0)
      return {
        ok: false,
        error: `job consumers not alive on stream ${stream}: ${missing.join(', ')}`,
        stream,
        consumers: subjects,
      }
    return { ok: true, stream, consumers: subjects }
  }
}
