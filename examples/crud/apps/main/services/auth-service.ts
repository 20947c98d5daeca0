import { AccessTokens, MegaError, MegaService, type CacheAdapter } from '@mega/core'
import { AccessTokenTable } from '../lib/access-token-table.js'
import { STAFF_TYPE, type Actor } from '../lib/actor.js'
import { invalidCredentials } from '../lib/crud-errors.js'
import { normalizeEmail } from '../lib/email.js'
import { passwords, storedHash } from '../lib/passwords.js'
import { loginGuard } from '../http/login-guard.js'
import type { PublicUser } from './user-service.js'

/** How long a login token lives unless `SESSION_TTL_HOURS` says otherwise: 7 days. */
export const DEFAULT_SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000

/** What `login` returns: the opaque bearer token (shown once) and when it expires. */
export interface LoginResult {
  readonly token: string
  readonly expires_at: Date
  readonly user: PublicUser
}

/** What `register` takes. */
export interface Registration {
  readonly email: string
  readonly password: string
  readonly name: string
}

function sessionTtlMs(): number {
  const hours = Number(process.env.SESSION_TTL_HOURS)
  return Number.isFinite(hours) && hours > 0 ? hours * 60 * 60 * 1000 : DEFAULT_SESSION_TTL_MS
}

function staffEmails(): Set<string> {
  const list = process.env.STAFF_EMAILS ?? ''
  return new Set(
    list
      .split(',')
      .map(normalizeEmail)
      .filter((e) => e !== ''),
  )
}

/** Who a user is to `ctx.auth` (`ctx.auth.user`) and to the services' ownership checks. */
export function actorOf(user: PublicUser): Actor {
  return { id: user.id, email: user.email, staff: user.type.code === STAFF_TYPE }
}

/**
 * Registration, password checks and API tokens. Tokens live in the `access_tokens` table (core's
 * `AccessTokens` over {@link AccessTokenTable}: only the secret's SHA-256 is stored); `auth()` in
 * mega.config.ts verifies them and loads the user with {@link AuthService.actor}. No HTTP in here.
 */
export default class AuthService extends MegaService {
  /** The `access_tokens` table as core's token store (what `auth({ tokens })` is given). */
  tokenStore(): AccessTokenTable {
    return new AccessTokenTable(this.db())
  }

  /** Creates the user (and their wallet); emails listed in `STAFF_EMAILS` become staff. */
  async register(input: Registration): Promise<PublicUser> {
    const passwordHash = await passwords.hash(input.password)
    const staff = staffEmails().has(normalizeEmail(input.email))
    return this.services.user.create({
      email: input.email,
      name: input.name,
      passwordHash,
      ...(staff ? { type: STAFF_TYPE } : {}),
    })
  }

  /**
   * Checks the password and creates an API token (shown once). An unknown email and a wrong password
   * give the same error, after the same amount of work (a dummy hash is checked for an unknown email).
   */
  async login(email: string, password: string, address?: string): Promise<LoginResult> {
    const user = await this.verify(email, password, address)
    const tokens = new AccessTokens(this.tokenStore())
    const { token, record } = await tokens.create(user.id, {
      expiresInMs: sessionTtlMs(),
      name: 'login',
    })
    return { token, expires_at: record.expiresAt, user }
  }

  /**
   * Checks an email and password and returns the user, opening no session (`login` creates a
   * token on top; the pages keep the user in a cookie session instead). An unknown email and a
   * wrong password are the same `CRUD_INVALID_CREDENTIALS`, after the same amount of work (a dummy
   * hash is checked for an unknown email). Behind the login guard: while the account or the client
   * `address` is locked it is a 429 `MEGA_LOCKED_OUT` (with `retryAfterS`) and no password is
   * checked. A good password whose hash has an old cost or format is hashed again.
   */
  async verify(email: string, password: string, address?: string): Promise<PublicUser> {
    const account = normalizeEmail(email)
    const attempts = loginGuard.use(this.cache<CacheAdapter>(), this.log)
    return attempts.attempt({ account, address }, async () => {
      const user = await this.services.user.findByEmail(account)
      const stored = user === undefined ? undefined : storedHash(user.password_hash)
      if (stored !== undefined && passwords.inspect(stored) === undefined)
        this.log.warn({ userId: user?.id }, 'stored password hash is malformed')
      const matches = await passwords.verify(password, stored)
      if (user === undefined || !matches) throw invalidCredentials()
      if (passwords.needsRehash(user.password_hash)) await this.#rehash(user.id, password)
      return this.services.user.get(user.id)
    })
  }

  /** Stores a hash of the current cost; a failure is logged and the login goes on (next time). */
  async #rehash(userId: number, password: string): Promise<void> {
    try {
      await this.services.user.setPasswordHash(userId, await passwords.hash(password))
    } catch (err) {
      this.log.warn({ err, userId }, 'password rehash failed; the old hash stays')
    }
  }

  /** Lifts a login lockout of the account (staff, after checking who asks). */
  async unlock(email: string): Promise<void> {
    await loginGuard.use(this.cache<CacheAdapter>(), this.log).unlock(normalizeEmail(email))
  }

  /**
   * The signed-in user of a principal (`auth()`'s `resolveUser`), or `undefined` for a user deleted
   * since (their session or token then signs nobody in).
   */
  async actor(id: number): Promise<Actor | undefined> {
    try {
      return actorOf(await this.services.user.get(id))
    } catch (err) {
      if (MegaError.is(err, 'MEGA_CRUD_NOT_FOUND')) return undefined
      throw err
    }
  }
}

declare module '@mega/core' {
  interface MegaServices {
    auth: AuthService
  }
}
