import type { AppScope } from '@mega/core'
import { MegaJob } from '@mega/jobs'

/** What a {{Name}}Job is enqueued with (JSON: it travels through NATS JetStream). */
export interface {{Name}}Payload {
  readonly id: number
}

/**
 * The `{{name}}` job: `ctx.jobs.enqueue({{Name}}Job, { id })` in a handler or service, and `mega worker`
 * runs it with the app scope as `ctx` (`ctx.services`, `ctx.adapter()`, `ctx.log`). Delivery is at
 * least once, so `run` must be safe to repeat; a throw is retried (`retries`, with `backoff`), then the
 * job lands in the dead-letter queue.
 */
export default class {{Name}}Job extends MegaJob<{{Name}}Payload, AppScope> {
  static override retries = 3

  async run(payload: {{Name}}Payload, ctx: AppScope): Promise<void> {
    ctx.log.info({ id: payload.id }, '{{name}} ran')
  }
}
