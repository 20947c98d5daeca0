import { createHash, randomBytes } from 'node:crypto'
import { MegaService, type CacheAdapter } from '@mega/core'
import { createCrud } from '@mega/db'
import { STAFF_TYPE, type Actor } from '../lib/actor.js'
import { invalidCredentials, tokenInvalid } from '../lib/crud-errors.js'
import { normalizeEmail } from '../lib/email.js'
import { passwords, storedHash } from '../lib/passwords.js'
import { loginGuard } from '../http/login-guard.js'
import { Session } from '../models/session-model.js'
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

/** The SHA-256 of a token, hex: what the `sessions` table stores instead of the token. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/**
 * Registration, login, logout and token checks. Sessions live in the `sessions` table (only the
 * token's SHA-256 is stored). No HTTP in here: the routes and the auth guard call it.
 */
export default class AuthService extends MegaService {
  /** The clock for session expiry (a seam for tests). */
  now: () => Date = () => new Date()

  get #sessions() {
    return createCrud(Session, this.db())
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
   * Checks the password and opens a session. An unknown email and a wrong password give the same
   * error, after the same amount of work (a dummy hash is checked for an unknown email).
   */
  async login(email: string, password: string, address?: string): Promise<LoginResult> {
    const user = await this.verify(email, password, address)
    const token = randomBytes(32).toString('base64url')
    const expiresAt = new Date(this.now().getTime() + sessionTtlMs())
    await this.#sessions.create({
      user_id: user.id,
      token_hash: tokenHash(token),
      expires_at: expiresAt,
    })
    return { token, expires_at: expiresAt, user }
  }

  /**
   * Checks an email and password and returns the user, opening no session (`login` opens a token
   * session on top; the pages keep the user in a cookie session instead). An unknown email and a
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

  /** Revokes the token: it no longer authenticates. Unknown tokens are ignored. */
  async logout(token: string): Promise<void> {
    const session = await this.#find(token)
    if (session !== undefined) await this.#sessions.remove(session.id)
  }

  /** The caller behind a token; `CRUD_TOKEN_INVALID` when it is unknown, revoked or expired. */
  async authenticate(token: string): Promise<Actor> {
    const session = await this.#find(token)
    if (session === undefined) throw tokenInvalid()
    if (session.expires_at.getTime() <= this.now().getTime()) {
      await this.#sessions.remove(session.id)
      throw tokenInvalid()
    }
    const user = await this.services.user.get(session.user_id)
    return { id: user.id, email: user.email, staff: user.type.code === STAFF_TYPE }
  }

  async #find(token: string) {
    const page = await this.#sessions.list({
      filter: { token_hash: tokenHash(token) },
      perPage: 1,
    })
    return page.items[0]
  }
}

declare module '@mega/core' {
  interface MegaServices {
    auth: AuthService
  }
}
