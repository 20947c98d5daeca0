import { BaseAdapter } from '../base-adapter.js'
import type { BusAdapter, BusMessage } from '../adapter-types.js'
import { type MegaError } from '@mega/observe'
import { CORE_ERRORS } from '../../errors.js'

interface Subscription {
  readonly pattern: readonly string[]
  readonly handler: (message: BusMessage) => unknown
}

const SUBJECT_RE = /^[^\s.*>]+(\.[^\s.*>]+)*$/
const PATTERN_RE = /^([^\s.*>]+|\*)(\.([^\s.*>]+|\*))*(\.>)?$|^>$/

/** `true` when `subject` matches a NATS-style pattern (`*` one token, `>` one or more at the end). */
export function subjectMatches(pattern: readonly string[], subject: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const token = pattern[i]
    if (token === '>') return subject.length > i
    if (i >= subject.length || (token !== '*' && token !== subject[i])) return false
  }
  return pattern.length === subject.length
}

function invalid(what: string, value: string): MegaError {
  return CORE_ERRORS.create('MEGA_ADAPTER_INVALID_INPUT', [
    `Invalid ${what} "${value}": use dot-separated tokens such as "orders.created"${what === 'pattern' ? ', with * for one token and > at the end for the rest' : ''}.`,
  ])
}

/**
 * In-process publish/subscribe with NATS subject rules. Delivery is asynchronous (as over a
 * network); a handler that throws is reported through `onError` and never reaches the publisher.
 */
export class MemoryBusAdapter extends BaseAdapter implements BusAdapter {
  readonly kind = 'bus' as const
  readonly #subs = new Set<Subscription>()
  readonly #onError: (err: unknown, subject: string) => void

  constructor(
    alias: string,
    onError: (err: unknown, subject: string) => void = (err) => process.emitWarning(String(err)),
  ) {
    super('memory', alias)
    this.#onError = onError
  }

  protected async _connect(): Promise<void> {}

  protected async _disconnect(): Promise<void> {
    this.#subs.clear()
  }

  async publish(subject: string, data: unknown): Promise<void> {
    if (!SUBJECT_RE.test(subject)) throw invalid('subject', subject)
    const tokens = subject.split('.')
    const message: BusMessage = { subject, data: structuredClone(data) }
    for (const sub of this.#subs) {
      if (subjectMatches(sub.pattern, tokens)) queueMicrotask(() => this.#deliver(sub, message))
    }
  }

  async subscribe<T = unknown>(
    subject: string,
    handler: (message: BusMessage<T>) => unknown,
  ): Promise<() => void> {
    if (!PATTERN_RE.test(subject)) throw invalid('pattern', subject)
    const sub: Subscription = {
      pattern: subject.split('.'),
      handler: handler as Subscription['handler'],
    }
    this.#subs.add(sub)
    return () => void this.#subs.delete(sub)
  }

  #deliver(sub: Subscription, message: BusMessage): void {
    if (!this.#subs.has(sub)) return
    try {
      const result = sub.handler(message)
      if (result instanceof Promise)
        result.catch((err: unknown) => this.#onError(err, message.subject))
    } catch (err) {
      this.#onError(err, message.subject)
    }
  }
}
