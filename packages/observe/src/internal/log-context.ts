import { AsyncLocalStorage } from 'node:async_hooks'

/** What every log line written inside {@link runWithLogContext} carries. */
export interface LogContext {
  /** Added to each line as `requestId` (when the logger's `includeRequestId` is on). */
  readonly requestId?: string
}

/** Adds fields to each log line (pino's `mixin`). */
export type LogMixin = () => Readonly<Record<string, string>>

const store = new AsyncLocalStorage<LogContext>()

/**
 * Runs `fn` with `context` attached to every log line written inside it, across `await`s. Nested
 * calls see the outer fields too, the inner ones winning.
 *
 * @example
 * fastify.addHook('onRequest', (req, _reply, done) => runWithLogContext({ requestId: req.id }, done))
 */
export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return store.run(Object.freeze({ ...store.getStore(), ...context }), fn)
}

/** The {@link LogContext} active here, if any. */
export function getLogContext(): LogContext | undefined {
  return store.getStore()
}

/**
 * The pino mixin: `requestId` from the active log context, then the trace fields. It always returns
 * a fresh object, because pino merges each line's fields into the object the mixin returns (a
 * shared or frozen object from `traceMixin` would be mutated or make every log call throw).
 */
export function createLogMixin(includeRequestId: boolean, traceMixin: LogMixin): LogMixin {
  if (!includeRequestId) return () => ({ ...traceMixin() })
  return () => {
    const requestId = store.getStore()?.requestId
    return requestId === undefined ? { ...traceMixin() } : { requestId, ...traceMixin() }
  }
}
