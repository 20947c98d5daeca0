// The IPC messages between a MegaCluster primary and the workers `boot()` runs (internal: their
// shapes may change between versions; both ends always come from the same install).
import { isMessage } from './cluster-config.js'

/** Worker → primary: my listening socket is closed (sent after Node's own `close`). */
export const STOPPED_ACCEPTING = 'mega:cluster:stopped-accepting'
/** Primary → worker: every connection handed to you before your close has reached you. */
export const STOPPED_ACCEPTING_ACK = 'mega:cluster:stopped-accepting:ack'
/** Worker → primary: answer a question about the whole cluster (`metrics`, `liveness`, `readiness`). */
export const QUERY = 'mega:cluster:query'
/** Primary → worker: the answer to a {@link QUERY}. */
export const ANSWER = 'mega:cluster:answer'
/** Primary → worker: report your own health. */
export const HEALTH_REQUEST = 'mega:cluster:health'
/** Worker → primary: the answer to a {@link HEALTH_REQUEST}. */
export const HEALTH_REPORT = 'mega:cluster:health:report'

/** What a worker may ask the primary. */
export const CLUSTER_QUERIES = ['metrics', 'liveness', 'readiness'] as const
/** One of {@link CLUSTER_QUERIES}. */
export type ClusterQuery = (typeof CLUSTER_QUERIES)[number]

/** A message with a `type` and a string `id`. */
export interface IdMessage {
  readonly type: string
  readonly id: string
  readonly [key: string]: unknown
}

/** Whether `message` is `{ type, id: string }`. */
export function isIdMessage(message: unknown, type: string): message is IdMessage {
  return isMessage(message, type) && typeof (message as { id?: unknown }).id === 'string'
}
