import { jobsError } from '../errors.js'

/** The header that holds a delayed job's earliest run time, in epoch ms. */
export const NOT_BEFORE_HEADER = 'Mega-Not-Before'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** JSON bytes of a job payload; MEGA_JOB_PAYLOAD_INVALID for what JSON cannot hold. */
export function encodePayload(payload: unknown, subject: string): Uint8Array {
  return encoder.encode(payloadJson(payload, subject))
}

/** JSON text of a job payload; MEGA_JOB_PAYLOAD_INVALID for what JSON cannot hold. */
export function payloadJson(payload: unknown, subject: string): string {
  let text: string | undefined
  try {
    text = JSON.stringify(payload)
  } catch (err) {
    throw jobsError(
      'MEGA_JOB_PAYLOAD_INVALID',
      `The payload of job "${subject}" cannot be sent as JSON (${toError(err).message}): enqueue plain data.`,
      { cause: err },
    )
  }
  if (text === undefined)
    throw jobsError(
      'MEGA_JOB_PAYLOAD_INVALID',
      `Cannot enqueue a ${typeof payload} as the payload of job "${subject}": enqueue JSON data (null for none).`,
    )
  return text
}

/** The payload of a job message, or the raw text and the error when it is not JSON. */
export type DecodedPayload =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly raw: string; readonly error: Error }

/** Decodes a job message's bytes. */
export function decodePayload(data: Uint8Array): DecodedPayload {
  const raw = decoder.decode(data)
  try {
    return { ok: true, value: JSON.parse(raw) as unknown }
  } catch (err) {
    return { ok: false, raw, error: toError(err) }
  }
}

/** Anything thrown, as an Error (a non-Error becomes one whose `cause` is the value). */
export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err), { cause: err })
}
