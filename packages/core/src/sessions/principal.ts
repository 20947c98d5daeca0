import { randomBytes } from 'node:crypto'
import type { SessionAdapter } from '../adapters/adapter-types.js'
import type { AppScope } from '../app/app-scope.js'
import type { RequestContext } from '../app/request-context.js'
import { CORE_ERRORS } from '../errors.js'

/** Who a session belongs to: a user id (or any stable account key) given to `ctx.session.login()`. */
export type SessionPrincipal = string | number

/** The longest principal accepted (it becomes part of a store key), in characters. */
export const MAX_PRINCIPAL_LENGTH = 256

/** The key, in the session's stored data, of its binding to a principal (kept out of `data`). */
export const BINDING_KEY = '_megaPrincipal'

/** What a principal-bound session stores besides its data. */
export interface SessionBinding {
  readonly principal: SessionPrincipal
  /** The principal's session epoch when the session was bound; another epoch means revoked. */
  readonly epoch: string
}

/** What the store holds under a principal's epoch key. */
interface EpochRecord {
  readonly epoch: string
}

/**
 * The store key of a principal's session epoch. Session ids are base64url (no `:`), so this key can
 * never be a session id, and a cookie (whose id the server signed) can never load it as a session.
 */
export function epochKey(principal: SessionPrincipal): string {
  return `mega:principal:${String(principal)}`
}

/** Throws `MEGA_PRINCIPAL_INVALID` unless `principal` is a usable account key. */
export function checkPrincipal(principal: unknown): SessionPrincipal {
  const ok =
    (typeof principal === 'number' && Number.isFinite(principal)) ||
    (typeof principal === 'string' &&
      principal.length > 0 &&
      principal.length <= MAX_PRINCIPAL_LENGTH)
  if (ok) return principal
  const got = typeof principal === 'string' ? `a string of ${principal.length}` : typeof principal
  throw CORE_ERRORS.create('MEGA_PRINCIPAL_INVALID', [MAX_PRINCIPAL_LENGTH, got])
}

/** The binding stored in a session's data, if it has a well-formed one. */
export function bindingOf(data: Readonly<Record<string, unknown>>): SessionBinding | undefined {
  const b = data[BINDING_KEY] as Partial<SessionBinding> | undefined
  if (typeof b !== 'object' || b === null || typeof b.epoch !== 'string') return undefined
  return typeof b.principal === 'string' || typeof b.principal === 'number'
    ? { principal: b.principal, epoch: b.epoch }
    : undefined
}

/** The principal's current session epoch, or `undefined` when it has none (never bound, revoked). */
export async function currentEpoch(
  store: SessionAdapter,
  principal: SessionPrincipal,
): Promise<string | undefined> {
  const record = await store.get<Partial<EpochRecord>>(epochKey(principal))
  return typeof record?.epoch === 'string' ? record.epoch : undefined
}

/**
 * The principal's current epoch, created when it has none. The epoch is random (never a counter),
 * so a revoked principal's new epoch can never equal one an old session recorded.
 */
export async function ensureEpoch(
  store: SessionAdapter,
  principal: SessionPrincipal,
  ttlMs: number,
): Promise<string> {
  const existing = await currentEpoch(store, principal)
  if (existing !== undefined) {
    await store.touch(epochKey(principal), ttlMs)
    return existing
  }
  const epoch = randomBytes(16).toString('base64url')
  await store.set(epochKey(principal), { epoch } satisfies EpochRecord, ttlMs)
  return epoch
}

/** `true` while the binding's epoch is still the principal's current one (not revoked since). */
export async function isCurrent(store: SessionAdapter, binding: SessionBinding): Promise<boolean> {
  return (await currentEpoch(store, binding.principal)) === binding.epoch
}

/** Where {@link revokeSessions} finds the session store. */
export type SessionStoreSource = RequestContext | AppScope | SessionAdapter

/** The store each request's session was loaded from (set by the sessions plugin). */
const stores = new WeakMap<object, SessionAdapter>()

/** @internal The sessions plugin records the store of each request's session. */
export function rememberStore(session: object, store: SessionAdapter): void {
  stores.set(session, store)
}

function isSessionAdapter(value: unknown): value is SessionAdapter {
  const a = value as Partial<SessionAdapter> | undefined
  return a?.kind === 'session' && typeof a.get === 'function' && typeof a.destroy === 'function'
}

function isContext(source: SessionStoreSource): source is RequestContext {
  return 'request' in source && 'reply' in source
}

function storeOf(source: SessionStoreSource, alias: string): SessionAdapter {
  if (isSessionAdapter(source)) return source
  if (isContext(source)) {
    const store = stores.get(source.session)
    if (store !== undefined) return store
  }
  const adapter = (isContext(source) ? source.app : source).adapter(alias)
  if (isSessionAdapter(adapter)) return adapter
  throw CORE_ERRORS.create('MEGA_SESSION_STORE_INVALID', [
    `revokeSessions: adapter "${alias}" is not a session adapter: pass the alias sessions() uses ({ adapter: '...' }) or the store itself.`,
  ])
}

/** Options of {@link revokeSessions}. */
export interface RevokeSessionsOptions {
  /** The alias of the session adapter, when given an app scope (a service's `this.app`). @default 'session' */
  readonly adapter?: string
}

/**
 * Ends every session of a principal at once (all devices): its session epoch is dropped from the
 * store, so each session bound to it with `ctx.session.login(principal)` no longer loads (it is
 * destroyed on its next request). Call it when a user is deleted, when their password changes, or
 * for "sign out everywhere". A later `login(principal)` works as usual. Takes the request's context
 * (the store `sessions()` uses), a service's app scope (`this.app`, adapter alias `session` unless
 * `options.adapter`), or a session adapter.
 *
 * @example
 * r.delete('/users/:id', async (ctx) => {
 *   await ctx.services.user.delete(ctx.params.id)
 *   await revokeSessions(ctx, ctx.params.id)
 *   return { deleted: ctx.params.id }
 * })
 */
export async function revokeSessions(
  source: SessionStoreSource,
  principal: SessionPrincipal,
  options: RevokeSessionsOptions = {},
): Promise<void> {
  const store = storeOf(source, options.adapter ?? 'session')
  await store.destroy(epochKey(checkPrincipal(principal)))
}
