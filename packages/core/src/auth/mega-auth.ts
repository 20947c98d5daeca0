import type { RequestContext } from '../app/request-context.js'
import { CORE_ERRORS } from '../errors.js'
import { checkPrincipal } from '../sessions/principal.js'
import type { AccessTokenRecord } from './access-token.js'
import {
  AccessTokens,
  type CreateAccessTokenOptions,
  type CreatedAccessToken,
} from './access-tokens.js'
import type { AuthConfig, AuthVia, MegaAuthUser } from './auth-options.js'

const BEARER = /^Bearer\s+(\S+)\s*$/i

/** What authentication found for this request. */
interface Resolved {
  readonly user: MegaAuthUser | undefined
  readonly via: AuthVia | undefined
  readonly token: AccessTokenRecord | undefined
  /** A bearer token was sent and did not authenticate. */
  readonly tokenRejected: boolean
}

/** @internal What login.ts and the guards call on a request's {@link MegaAuth}. */
export interface MegaAuthInternals {
  config(auth: MegaAuth): AuthConfig
  /** `login(ctx, user)`: the session is signed in; the request sees the user at once. */
  signIn(auth: MegaAuth, user: MegaAuthUser): void
  /** `logout(ctx)`: revokes the current token, ends the session. */
  signOut(auth: MegaAuth): Promise<void>
}

// Set by the class's static block (it alone reaches the private fields).
let internals: MegaAuthInternals

/** @internal The internals of {@link MegaAuth} (not exported from the package). */
export function authInternals(): MegaAuthInternals {
  return internals
}

const NOBODY: Resolved = { user: undefined, via: undefined, token: undefined, tokenRejected: false }

/**
 * The request's authentication (`ctx.auth`, with the `auth()` plugin). Nothing is looked up until a
 * guard (`requireUser()`...) or `await ctx.auth.check()` asks; then a bearer token, else the cookie
 * session's principal, is turned into the user by the app's `resolveUser`, once per request.
 */
export class MegaAuth {
  readonly #ctx: RequestContext
  readonly #config: AuthConfig
  #resolved: Resolved | undefined
  #pending: Promise<Resolved> | undefined

  /** @internal Created by the auth plugin, once per request. */
  constructor(ctx: RequestContext, config: AuthConfig) {
    this.#ctx = ctx
    this.#config = config
  }

  /**
   * The signed-in user, or `undefined` for a visitor. Read it after a guard or `await check()`:
   * before, it is `MEGA_AUTH_NOT_CHECKED` (a `undefined` there would look like a visitor).
   */
  get user(): MegaAuthUser | undefined {
    return this.#state('user').user
  }

  /** How the user was authenticated (`session` or `token`), or `undefined` for a visitor. */
  get via(): AuthVia | undefined {
    return this.#state('via').via
  }

  /** The access token that authenticated the request (never its secret), if any. */
  get token(): AccessTokenRecord | undefined {
    return this.#state('token').token
  }

  /** `true` once authentication ran for this request (a guard, `check()` or `login`). */
  get isChecked(): boolean {
    return this.#resolved !== undefined
  }

  /** Authenticates the request (once; later calls reuse the answer): `true` when a user is signed in. */
  async check(): Promise<boolean> {
    this.#resolved ??= await (this.#pending ??= this.#resolve())
    return this.#resolved.user !== undefined
  }

  /**
   * The signed-in user, or 401: `MEGA_AUTH_TOKEN_INVALID` when a bearer token was sent and refused,
   * else `MEGA_AUTH_REQUIRED`. Call it after a guard or `await check()`.
   */
  userOrFail(): MegaAuthUser {
    const state = this.#state('userOrFail()')
    if (state.user !== undefined) return state.user
    throw CORE_ERRORS.create(state.tokenRejected ? 'MEGA_AUTH_TOKEN_INVALID' : 'MEGA_AUTH_REQUIRED')
  }

  /** The roles of the signed-in user (the plugin's `rolesOf`), none for a visitor. */
  roles(): readonly string[] {
    const user = this.user
    return user === undefined ? [] : this.#config.rolesOf(user)
  }

  /** `true` when the user has at least one of `roles`. */
  hasRole(...roles: readonly string[]): boolean {
    const own = this.roles()
    return roles.some((r) => own.includes(r))
  }

  /**
   * `true` when the request may do `ability`: a token must list it (or `*`); a session user is not
   * limited by abilities (they scope tokens). `false` for a visitor.
   */
  can(ability: string): boolean {
    const state = this.#state('can()')
    if (state.user === undefined) return false
    if (state.via !== 'token') return true
    const abilities = state.token?.abilities ?? []
    return abilities.includes('*') || abilities.includes(ability)
  }

  /**
   * Creates an API token for `user` (shown once: return `token` to its owner); needs the plugin's
   * `tokens` store (`MEGA_AUTH_TOKENS_NOT_CONFIGURED`).
   */
  createToken(user: MegaAuthUser, options?: CreateAccessTokenOptions): Promise<CreatedAccessToken> {
    return this.#tokens('createToken').create(this.#principalOf(user), options)
  }

  /** Revokes a token by id or by the token itself (the current one when none is given). */
  async revokeToken(idOrToken?: string): Promise<void> {
    const target = idOrToken ?? this.#resolved?.token?.id
    if (target !== undefined) await this.#tokens('revokeToken').revoke(target)
  }

  static {
    // What login.ts and the guards use, kept off the public surface of ctx.auth.
    internals = {
      config: (auth) => auth.#config,
      signIn(auth, user) {
        if (!auth.#config.session)
          throw CORE_ERRORS.create('MEGA_AUTH_OPTIONS_INVALID', [
            'login(ctx, user) signs a cookie session in, but auth({ session: false }) is set: create an access token instead (ctx.auth.createToken(user)).',
          ])
        auth.#ctx.session.login(auth.#principalOf(user))
        auth.#resolved = { user, via: 'session', token: undefined, tokenRejected: false }
      },
      async signOut(auth) {
        await auth.check()
        if (auth.#resolved?.via === 'token') await auth.revokeToken()
        if (auth.#config.session) auth.#ctx.session.destroy()
        auth.#resolved = NOBODY
      },
    }
  }

  #principalOf(user: MegaAuthUser): ReturnType<typeof checkPrincipal> {
    return checkPrincipal(this.#config.principalOf(user))
  }

  #tokens(action: string): AccessTokens {
    const store = this.#config.tokens?.(this.#ctx)
    if (store === undefined) throw CORE_ERRORS.create('MEGA_AUTH_TOKENS_NOT_CONFIGURED', [action])
    return new AccessTokens(store, this.#config.now)
  }

  #state(what: string): Resolved {
    if (this.#resolved === undefined) throw CORE_ERRORS.create('MEGA_AUTH_NOT_CHECKED', [what])
    return this.#resolved
  }

  async #resolve(): Promise<Resolved> {
    const header = this.#ctx.request.headers.authorization
    const bearer = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined
    if (bearer !== undefined && this.#config.tokens !== undefined) return this.#fromToken(bearer)
    if (!this.#config.session) return NOBODY
    const principal = this.#ctx.session.principal
    if (principal === undefined) return NOBODY
    const user = await this.#config.resolveUser(principal, this.#ctx)
    // The user is gone (deleted): the session is dead, not a visitor's to keep.
    if (user === undefined) this.#ctx.session.destroy()
    return user === undefined
      ? NOBODY
      : { user, via: 'session', token: undefined, tokenRejected: false }
  }

  async #fromToken(bearer: string): Promise<Resolved> {
    const record = await this.#tokens('check').verify(bearer)
    const user =
      record === undefined ? undefined : await this.#config.resolveUser(record.principal, this.#ctx)
    if (user === undefined) return { ...NOBODY, tokenRejected: true }
    return { user, via: 'token', token: record, tokenRejected: false }
  }
}
