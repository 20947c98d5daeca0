import { MegaError } from '@mega/observe'
import { WS_ERRORS } from '../errors.js'

/**
 * The fixed rules of ASP, the encrypted frame layer (ADR-058): the algorithm, the sizes, the ±60 s
 * clock window and the nonce TTL of twice that window (a nonce is remembered for as long as a frame
 * carrying it could still be accepted).
 */
export const ASP_RULES = Object.freeze({
  /** The wire format's version (`v` of a frame). */
  version: 1,
  algorithm: 'aes-256-gcm',
  keyBytes: 32,
  nonceBytes: 12,
  tagBytes: 16,
  /** A frame whose timestamp is further than this from the receiver's clock is refused. */
  clockWindowMs: 60_000,
  /** How long a nonce is remembered: twice the clock window. */
  nonceTtlSec: 120,
  /** The memory nonce store sweeps expired nonces every this many inserts. */
  sweepEveryOps: 500,
} as const)

/** Why a frame was refused; the client is told only 4500, the server log says which. */
export const ASP_FAILURES = ['malformed', 'unknown-key', 'stale', 'tampered', 'replayed'] as const

/** One of {@link ASP_FAILURES}. */
export type AspFailure = (typeof ASP_FAILURES)[number]

/**
 * An ASP frame could not be accepted (`MEGA_WS_ASP_DECRYPT_FAILED`): not an ASP frame, an unknown key
 * id, a timestamp outside the clock window, a failed authentication tag or a replayed nonce. A
 * WebSocket connection that sends one is closed with 4500.
 *
 * @example
 * try { await codec.open(frame) } catch (err) { if (err instanceof MegaAspDecryptError) console.log(err.reason) }
 */
export class MegaAspDecryptError extends MegaError {
  /** Which check refused the frame. */
  readonly reason: AspFailure

  constructor(reason: AspFailure, message: string) {
    const code = 'MEGA_WS_ASP_DECRYPT_FAILED'
    super(code, WS_ERRORS.message(code, message), {
      statusCode: WS_ERRORS.status(code),
      details: { reason },
    })
    this.name = 'MegaAspDecryptError'
    this.reason = reason
  }
}
