/** An error as it crosses from a worker to the pool (structured clone keeps only plain fields). */
export interface WireError {
  readonly name: string
  readonly message: string
  readonly stack?: string
  readonly code?: string
}

/** Pool → worker. */
export interface RunMessage {
  readonly type: 'run'
  readonly id: number
  readonly name: string
  readonly input: unknown
}

/** Worker → pool. */
export type WorkerMessage =
  | { readonly type: 'ready'; readonly names: readonly string[] }
  | { readonly type: 'load-error'; readonly error: WireError }
  | { readonly type: 'ok'; readonly id: number; readonly output: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: WireError }
  | { readonly type: 'unknown'; readonly id: number; readonly known: readonly string[] }

/** Rebuilds the error a task threw: same name, message, stack and `code`. */
export function fromWire(wire: WireError): Error {
  const error = new Error(wire.message) as Error & { code?: string }
  error.name = wire.name
  if (wire.stack !== undefined) error.stack = wire.stack
  if (wire.code !== undefined) error.code = wire.code
  return error
}

/** Whether a value received from a worker looks like one of the {@link WorkerMessage}s. */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  )
}
