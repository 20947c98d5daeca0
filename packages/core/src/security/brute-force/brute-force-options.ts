import { z } from 'zod'
import type { MegaMetrics } from '@mega/observe'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

/**
 * Mega's brute-force defaults: 5 failed attempts per account, or 50 per client address, within
 * 15 minutes lock that account or address for 15 minutes; each further lockout within 24 hours
 * doubles the time, up to 24 hours.
 */
export const BRUTE_FORCE_DEFAULTS = Object.freeze({
  maxFailures: 5,
  windowMs: 15 * MINUTE,
  perAddress: Object.freeze({ maxFailures: 50, windowMs: 15 * MINUTE }),
  lockoutMs: 15 * MINUTE,
  progressive: Object.freeze({ factor: 2, maxLockoutMs: 24 * HOUR }),
  resetAfterMs: 24 * HOUR,
})

const D = BRUTE_FORCE_DEFAULTS
const failures = z.number().int().positive('at least 1 failure')
const ms = (min: number, what: string) => z.number().int().min(min, `at least ${min} ms ${what}`)
const fn = <T>(what: string) =>
  z.custom<T>((value) => typeof value === 'function', `must be a function ${what}`)

/** The slice of `@mega/observe`'s metrics a guard records through (a `createMetrics()` instance fits). */
export type BruteForceMetricsSink = Pick<MegaMetrics, 'counter'>

/** What a guard tells `onLockout` (and logs, without the raw key) when it locks a key. */
export interface LockoutEvent {
  /** The guard's `name`. */
  readonly guard: string
  /** Which counter reached its limit. */
  readonly scope: 'account' | 'address'
  /** The account or address that was locked (the raw value: do not log it as is). */
  readonly key: string
  /** 1 for the first lockout in `resetAfterMs`, 2 for the next... */
  readonly level: number
  /** How long the lock lasts, in ms. */
  readonly lockedForMs: number
  /** When it ends, in epoch ms. */
  readonly until: number
}

export const bruteForceSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_.-]*$/i, 'letters, digits, ".", "-" or "_", starting with a letter')
      .default('login'),
    maxFailures: failures.default(D.maxFailures),
    windowMs: ms(1000, 'per window').default(D.windowMs),
    perAddress: z
      .union([
        z.literal(false),
        z.strictObject({
          maxFailures: failures.default(D.perAddress.maxFailures),
          windowMs: ms(1000, 'per window').default(D.perAddress.windowMs),
        }),
      ])
      .default({ ...D.perAddress }),
    lockoutMs: ms(1000, 'of lockout').default(D.lockoutMs),
    progressive: z
      .union([
        z.literal(false),
        z.strictObject({
          factor: z.number().min(1, 'at least 1 (1 keeps every lockout as long)').max(100),
          maxLockoutMs: ms(1000, 'of lockout'),
        }),
      ])
      .default({ ...D.progressive }),
    resetAfterMs: ms(1000, 'before lockouts are forgotten').default(D.resetAfterMs),
    onLockout: fn<(event: LockoutEvent) => void>('(event) => void').optional(),
    metrics: z
      .union([
        z.literal(false),
        z.custom<BruteForceMetricsSink>(
          (v) =>
            typeof v === 'object' &&
            v !== null &&
            typeof (v as { counter?: unknown }).counter === 'function',
          'a MegaMetrics instance (createMetrics()) or false',
        ),
      ])
      .optional(),
    now: fn<() => number>('() => epoch ms').optional(),
  })
  .superRefine((o, ctx) => {
    if (o.progressive !== false && o.progressive.maxLockoutMs < o.lockoutMs)
      ctx.addIssue({
        code: 'custom',
        path: ['progressive', 'maxLockoutMs'],
        message: 'at least lockoutMs (the first lockout)',
      })
  })

/** Options of {@link bruteForce}; every field has a default ({@link BRUTE_FORCE_DEFAULTS}). */
export type BruteForceOptions = z.input<typeof bruteForceSchema>

/** The validated options. */
export type ResolvedBruteForceOptions = z.output<typeof bruteForceSchema>
