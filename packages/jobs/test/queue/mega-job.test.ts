import { describe, expect, expectTypeOf, it } from 'vitest'
import { MegaError } from '@mega/observe'
import {
  JOB_RETRY_DEFAULTS,
  MegaJob,
  resolveJobRetryConfig,
  resolveJobRunTimeoutMs,
  resolveJobSubject,
  type JobContext,
  type JobPayload,
} from '../../src/index.js'

class SendEmailJob extends MegaJob<{ to: string }> {
  run(payload: { to: string }): string {
    return payload.to
  }
}

function codeOf(run: () => unknown): MegaError {
  try {
    run()
  } catch (err) {
    if (MegaError.is(err)) return err
    throw err
  }
  throw new Error('expected a throw')
}

describe('MegaJob', () => {
  it('has the documented static defaults', () => {
    expect(SendEmailJob.concurrency).toBe(1)
    expect(SendEmailJob.retries).toBe(3)
    expect(SendEmailJob.backoff).toEqual({ type: 'exponential', initial: 1000, max: 30000 })
    expect(SendEmailJob.timeoutMs).toBeUndefined()
    expect(JOB_RETRY_DEFAULTS).toEqual({
      concurrency: 1,
      retries: 3,
      backoff: { type: 'exponential', initial: 1000, max: 30000 },
    })
    expect(Object.isFrozen(JOB_RETRY_DEFAULTS)).toBe(true)
    expectTypeOf<JobPayload<SendEmailJob>>().toEqualTypeOf<{ to: string }>()
    class NoPayloadJob extends MegaJob {
      run(): void {}
    }
    expectTypeOf<JobPayload<NoPayloadJob>>().toEqualTypeOf<unknown>()
    class CtxJob extends MegaJob<number, { db: string }> {
      run(n: number, ctx: { db: string }): string {
        return `${ctx.db}${n}`
      }
    }
    expectTypeOf<JobContext<CtxJob>>().toEqualTypeOf<{ db: string }>()
  })

  it('derives the subject from the class name unless static subject is set', () => {
    expect(resolveJobSubject(SendEmailJob)).toBe('send-email')
    class ResizeHTMLImage extends SendEmailJob {}
    expect(resolveJobSubject(ResizeHTMLImage)).toBe('resize-html-image')
    class Other extends SendEmailJob {
      static override subject = 'mail_v2'
    }
    expect(resolveJobSubject(Other)).toBe('mail_v2')
  })

  it('refuses a subject that is not one token, or is dlq, naming the class', () => {
    class Dotted extends SendEmailJob {
      static override subject = 'a.b'
    }
    class Dlq extends SendEmailJob {
      static override subject = 'DLQ'
    }
    expect(codeOf(() => resolveJobSubject(Dotted)).message).toContain('Job class Dotted')
    expect(codeOf(() => resolveJobSubject(Dlq)).code).toBe('MEGA_JOB_INVALID')
  })

  it('maps retries and backoff to retry options with factor 2 and jitter', () => {
    expect(resolveJobRetryConfig(SendEmailJob)).toEqual({
      retries: 3,
      minTimeout: 1000,
      maxTimeout: 30000,
      factor: 2,
      jitter: true,
    })
    class Fast extends SendEmailJob {
      static override retries = 0
      static override backoff = { type: 'exponential', initial: 5, max: 10 } as const
    }
    expect(resolveJobRetryConfig(Fast)).toMatchObject({ retries: 0, minTimeout: 5, maxTimeout: 10 })
  })

  it('refuses bad retries and backoff with MEGA_JOB_INVALID naming class and value', () => {
    class Bad extends SendEmailJob {
      static override retries = 1.5
    }
    const err = codeOf(() => resolveJobRetryConfig(Bad))
    expect(err.code).toBe('MEGA_JOB_INVALID')
    expect(err.message).toContain('Job class Bad: static retries must be an integer ≥ 0, got 1.5')
    class Inverted extends SendEmailJob {
      static override backoff = { type: 'exponential', initial: 10, max: 5 } as const
    }
    expect(codeOf(() => resolveJobRetryConfig(Inverted)).message).toContain('static backoff')
  })

  it('resolves the run timeout: static timeoutMs, else the default; 0 means unlimited', () => {
    expect(resolveJobRunTimeoutMs(SendEmailJob, 1_800_000)).toBe(1_800_000)
    class Unlimited extends SendEmailJob {
      static override timeoutMs = 0
    }
    expect(resolveJobRunTimeoutMs(Unlimited, 5000)).toBe(0)
  })

  it('refuses a timeout that is not an integer ≥ 0 with a coded error, not a TypeError', () => {
    class Negative extends SendEmailJob {
      static override timeoutMs = -1
    }
    const err = codeOf(() => resolveJobRunTimeoutMs(Negative, 1000))
    expect(err).not.toBeInstanceOf(TypeError)
    expect(err.code).toBe('MEGA_JOB_INVALID')
    expect(err.message).toContain(
      'Job class Negative: static timeoutMs must be an integer ≥ 0 (0 = unlimited), got -1',
    )
    expect(codeOf(() => resolveJobRunTimeoutMs(SendEmailJob, Number.NaN)).message).toContain(
      'got NaN',
    )
  })
})
