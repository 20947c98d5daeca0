import { METRIC_NAMES } from '@mega/observe'
import type { LockAdapter, LockHandle } from '../adapter-types.js'
import type { AdapterTelemetry } from './adapter-telemetry.js'
import { overrideMethods } from './method-proxy.js'

/** How a lock acquire ended: held, refused because another holder has the key, or failed. */
export const LOCK_ACQUIRE_OUTCOMES = ['acquired', 'busy', 'error'] as const

/** One of {@link LOCK_ACQUIRE_OUTCOMES}. */
export type LockAcquireOutcome = (typeof LOCK_ACQUIRE_OUTCOMES)[number]

/** Why a lock call failed: `busy` (acquire refused), `lost` (release/extend of an expired hold), `error`. */
export const LOCK_FAILURE_REASONS = ['busy', 'lost', 'error'] as const

type LockOperation = 'acquire' | 'release' | 'extend'
type Reason = (typeof LOCK_FAILURE_REASONS)[number]

const LABELS = ['adapter', 'driver']

const ACQUIRE_OUTCOME: Readonly<Record<'held' | 'refused' | 'error', LockAcquireOutcome>> = {
  held: 'acquired',
  refused: 'busy',
  error: 'error',
}

function lockInstruments(t: AdapterTelemetry) {
  const m = t.metrics
  if (m === undefined) return undefined
  return {
    acquire: m.histogram(METRIC_NAMES.lockAcquireDuration, {
      description: 'Time to acquire a lock (or be refused), by outcome',
      unit: 's',
      labels: [...LABELS, 'outcome'],
    }),
    failures: m.counter(METRIC_NAMES.lockFailures, {
      description: 'Lock calls that did not get or keep the lock, by operation and reason',
      labels: [...LABELS, 'operation', 'reason'],
    }),
  }
}

/**
 * `lock` with one span per call (`lock acquire`, `lock release`, `lock extend`; never the key) and,
 * given metrics, the acquire duration by outcome and every failure (busy, lost, error).
 */
export function instrumentLock<L extends LockAdapter>(lock: L, t: AdapterTelemetry): L {
  const instruments = lockInstruments(t)
  const fail = (operation: LockOperation, reason: Reason) =>
    instruments?.failures.add(1, { ...t.labels, operation, reason })
  const call = <R>(operation: LockOperation, run: () => Promise<R>, ok: (r: R) => boolean) =>
    t.tracer.span(
      `lock ${operation}`,
      async (span) => {
        const started = t.now()
        const record = (outcome: 'held' | 'refused' | 'error') => {
          const named = operation === 'acquire' ? ACQUIRE_OUTCOME[outcome] : outcome
          span.setAttribute('mega.lock.outcome', named)
          if (operation === 'acquire')
            instruments?.acquire.record((t.now() - started) / 1000, { ...t.labels, outcome: named })
        }
        let result: R
        try {
          result = await run()
        } catch (err) {
          record('error')
          fail(operation, 'error')
          throw err
        }
        const held = ok(result)
        record(held ? 'held' : 'refused')
        if (!held) fail(operation, operation === 'acquire' ? 'busy' : 'lost')
        return result
      },
      { attributes: { ...t.attributes } },
    )
  return overrideMethods(lock, {
    acquire: (key: string, ttlMs: number) =>
      call(
        'acquire',
        () => lock.acquire(key, ttlMs),
        (h) => h !== null,
      ),
    release: (handle: LockHandle) =>
      call(
        'release',
        () => lock.release(handle),
        (r) => r,
      ),
    extend: (handle: LockHandle, ttlMs: number) =>
      call(
        'extend',
        () => lock.extend(handle, ttlMs),
        (h) => h !== null,
      ),
  })
}
