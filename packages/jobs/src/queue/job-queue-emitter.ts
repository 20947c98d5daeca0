import type { EventEmitter } from 'node:events'
import { jobsError } from '../errors.js'
import {
  JOB_QUEUE_EVENTS,
  type JobQueueEventMap,
  type JobQueueEventName,
} from './job-queue-events.js'

/** Makes `emitter` refuse listeners of anything but {@link JOB_QUEUE_EVENTS} (MEGA_JOB_QUEUE_EVENT_UNKNOWN). */
export function guardJobQueueEvents(emitter: EventEmitter, className: string): void {
  emitter.on('newListener', (event: string | symbol) => {
    if (event === 'removeListener' || event === 'newListener') return
    if (!(JOB_QUEUE_EVENTS as readonly (string | symbol)[]).includes(event))
      throw jobsError(
        'MEGA_JOB_QUEUE_EVENT_UNKNOWN',
        `${className} has no event "${String(event)}": listen to one of ${JOB_QUEUE_EVENTS.join(', ')}.`,
      )
  })
}

/**
 * Calls every listener of `event`; a listener that throws (or rejects) is reported to `onError`
 * and changes nothing else.
 */
export function safeEmitJobEvent<K extends JobQueueEventName>(
  emitter: EventEmitter<JobQueueEventMap>,
  event: K,
  payload: JobQueueEventMap[K][0],
  onError: (err: unknown, event: string) => void,
): void {
  for (const listener of emitter.rawListeners(event) as ((p: unknown) => unknown)[]) {
    try {
      const r = listener(payload)
      if (r instanceof Promise) r.catch((err: unknown) => onError(err, event))
    } catch (err) {
      onError(err, event)
    }
  }
}

/** The default listener-error report: a process warning of type `<className>Warning`. */
export function warnListenerError(className: string, err: unknown, event: string): void {
  process.emitWarning(
    `A ${className} "${event}" listener threw: ${String(err)}`,
    `${className}Warning`,
  )
}
