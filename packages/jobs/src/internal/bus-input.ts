import { MegaError } from '@mega/observe'

// The subject rules of core's MemoryBusAdapter, kept identical so apps can swap memory and nats
// (test/bus-input.test.ts checks both accept and refuse the same subjects and patterns).
const SUBJECT_RE = /^[^\s.*>]+(\.[^\s.*>]+)*$/
const PATTERN_RE = /^([^\s.*>]+|\*)(\.([^\s.*>]+|\*))*(\.>)?$|^>$/

function invalid(what: 'subject' | 'pattern', value: string): MegaError {
  return new MegaError(
    'MEGA_ADAPTER_INVALID_INPUT',
    `Invalid ${what} "${value}": use dot-separated tokens such as "orders.created"${what === 'pattern' ? ', with * for one token and > at the end for the rest' : ''}.`,
  )
}

/** Throws MEGA_ADAPTER_INVALID_INPUT unless `subject` is a publishable subject (no wildcards). */
export function checkSubject(subject: string): string {
  if (typeof subject !== 'string' || !SUBJECT_RE.test(subject)) throw invalid('subject', subject)
  return subject
}

/** Throws MEGA_ADAPTER_INVALID_INPUT unless `pattern` is a subject or a `*`/`>` pattern. */
export function checkPattern(pattern: string): string {
  if (typeof pattern !== 'string' || !PATTERN_RE.test(pattern)) throw invalid('pattern', pattern)
  return pattern
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * Encodes `data` as JSON bytes; `undefined` becomes an empty payload (decoded back to `undefined`).
 * Throws MEGA_ADAPTER_INVALID_INPUT for what JSON cannot hold (BigInt, cycles).
 */
export function encodeData(data: unknown, subject: string): Uint8Array {
  if (data === undefined) return new Uint8Array(0)
  let text: string | undefined
  try {
    text = JSON.stringify(data)
  } catch (err) {
    throw new MegaError(
      'MEGA_ADAPTER_INVALID_INPUT',
      `The data published on "${subject}" cannot be sent as JSON (${(err as Error).message}): publish plain data.`,
      { cause: err },
    )
  }
  if (text === undefined)
    throw new MegaError(
      'MEGA_ADAPTER_INVALID_INPUT',
      `Cannot publish a ${typeof data} on "${subject}": publish JSON data.`,
    )
  return encoder.encode(text)
}

/** Decodes a payload written by {@link encodeData}; throws on bytes that are not JSON. */
export function decodeData(payload: Uint8Array): unknown {
  if (payload.length === 0) return undefined
  return JSON.parse(decoder.decode(payload)) as unknown
}
