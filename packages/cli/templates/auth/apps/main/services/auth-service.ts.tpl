import {
  AccessTokens,
  ConflictError,
  MegaError,
  MegaService,
  UnauthorizedError,
  bruteForce,
  type CacheAdapter,
} from '@mega/core'
import { createCrud } from '@mega/db'
import { AccessTokenTable } from '../lib/access-token-table.js'
import { passwords } from '../lib/passwords.js'
import { User, type UserRecord } from '../models/user-model.js'

/** A user as the app shows it: never the password hash. */
export interface PublicUser {
  readonly id: number
  readonly email: string
  readonly created_at: Date
}

/** What `login` returns: the bearer token (shown once), when it expires, and who it signs in. */
export interface LoginResult {
  readonly token: string
  readonly expires_at: Date
  readonly user: PublicUser
}

/** How long an API token from `POST /api/auth/login` lives: 7 days. */
export const TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000

/**
 * The sign-in guard of both doors (the page and the JSON API): 10 failed attempts per account in 15
 * minutes lock it for 15 minutes (doubling at each further lockout within a day); 50 failures from
 * one client address lock the address. Counted in the `cache` adapter (Redis shares the count).
 */
export const loginGuard = bruteForce({ name: 'login', maxFailures: 10 })

/** 409: signing up with an email that has an account. */
export function emailTaken(): ConflictError {
  return new ConflictError('This email already has an account: sign in instead.', {
    code: 'AUTH_EMAIL_TAKEN',
  })
}

/** 401: an unknown email or a wrong password: one answer for both, so emails cannot be probed. */
export function invalidCredentials(): UnauthorizedError {
  return new UnauthorizedError('Wrong email or password.', { code: 'AUTH_INVALID_CREDENTIALS' })
}

function present(user: UserRecord): PublicUser {
  return { id: user.id, email: user.email, created_at: user.created_at }
}

/**
 * Sign-up, password checks and API tokens; no HTTP in here. The pages keep the signed-in user in a
 * cookie session (`login(ctx, user)`), the JSON API gives a bearer token; `auth()` in mega.config.ts
 * reads both and loads the user with {@link AuthService.find}.
 */
export default class AuthService extends MegaService {
  get #users() {
    return createCrud(User, this.db())
  }

  /** The `access_tokens` table as Mega's token store (what `auth({ tokens })` is given). */
  tokenStore(): AccessTokenTable {
    return new AccessTokenTable(this.db())
  }

  /** Creates a user with a hash of `password`; `AUTH_EMAIL_TAKEN` (409) for a known email. */
  async register(input: { email: string; password: string }): Promise<PublicUser> {
    if (await this.#users.exists({ email: input.email })) throw emailTaken()
    const password_hash = await passwords.hash(input.password)
    try {
      return present(await this.#users.create({ email: input.email, password_hash }))
    } catch (err) {
      throw MegaError.is(err, 'MEGA_DB_CONFLICT') ? emailTaken() : err // a sign-up at the same time
    }
  }

  /**
   * Checks an email and password and returns the user. An unknown email and a wrong password are
   * the same `AUTH_INVALID_CREDENTIALS`, after the same work (a dummy hash is checked). Behind the
   * login guard: while the account or the client `address` is locked it is a 429
   * `MEGA_LOCKED_OUT` and no password is checked. A good password whose hash has an old cost is
   * hashed again.
   */
  async verify(email: string, password: string, address?: string): Promise<PublicUser> {
    const attempts = loginGuard.use(this.cache<CacheAdapter>(), this.log)
    return attempts.attempt({ account: email, address }, async () => {
      const page = await this.#users.list({ filter: { email }, perPage: 1 })
      const user = page.items[0]
      const matches = await passwords.verify(password, user?.password_hash)
      if (user === undefined || !matches) throw invalidCredentials()
      if (passwords.needsRehash(user.password_hash)) await this.#rehash(user.id, password)
      return present(user)
    })
  }

  /** `verify`, then a bearer token for the JSON API (shown once; only its hash is stored). */
  async login(email: string, password: string, address?: string): Promise<LoginResult> {
    const user = await this.verify(email, password, address)
    const tokens = new AccessTokens(this.tokenStore())
    const { token, record } = await tokens.create(user.id, {
      expiresInMs: TOKEN_TTL_MS,
      name: 'login',
    })
    return { token, expires_at: record.expiresAt, user }
  }

  /** The user with this id, or `undefined` once deleted (their session or token then ends). */
  async find(id: number): Promise<PublicUser | undefined> {
    const user = await this.#users.find(id)
    return user === undefined ? undefined : present(user)
  }

  /** Stores a hash of the current cost; a failure is logged and the sign-in goes on. */
  async #rehash(id: number, password: string): Promise<void> {
    try {
      await this.#users.update(id, { password_hash: await passwords.hash(password) })
    } catch (err) {
      this.log.warn({ err, userId: id }, 'password rehash failed; the old hash stays')
    }
  }
}

declare module '@mega/core' {
  // Types `ctx.services.auth` in every handler.
  interface MegaServices {
    auth: AuthService
  }
  // Types `ctx.auth.user`: who is signed in.
  interface MegaAuthUser {
    id: number
    email: string
    created_at: Date
  }
}
