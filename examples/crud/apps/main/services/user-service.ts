import { MegaService, ValidationError } from '@mega/core'
import { createCrud, type Page, type SqlDbAdapter } from '@mega/db'
import type { Actor } from '../lib/actor.js'
import { emailTaken, notOwner, staffOnly } from '../lib/crud-errors.js'
import { normalizeEmail } from '../lib/email.js'
import { User, type UserRecord } from '../models/user-model.js'
import { UserLevel, type UserLevelRecord } from '../models/user-level-model.js'
import { UserType, type UserTypeRecord } from '../models/user-type-model.js'
import { Wallet, type WalletRecord } from '../models/wallet-model.js'

/** A lookup row as the API shows it. */
export interface LookupRef {
  readonly id: number
  readonly code: string
  readonly name: string
}

/** A user as the API shows it: never the password hash. */
export interface PublicUser {
  readonly id: number
  readonly email: string
  readonly name: string
  readonly level: LookupRef
  readonly type: LookupRef
  readonly created_at: Date
  readonly updated_at: Date
}

/**
 * A user as another member sees them: no `email` (present on the actor's own row, and on every row
 * for staff).
 */
export type UserView = Omit<PublicUser, 'email'> & { readonly email?: string }

/** What registering needs (the password is already hashed). */
export interface NewUser {
  readonly email: string
  readonly name: string
  readonly passwordHash: string
  /** @default 'basic' */
  readonly level?: string
  /** @default 'member' */
  readonly type?: string
}

/** What an update may change. */
export interface UserChanges {
  readonly name?: string
  readonly level?: string
  readonly type?: string
}

/** The level and type a new user gets. */
export const DEFAULT_USER_LEVEL = 'basic'
export const DEFAULT_USER_TYPE = 'member'

const ref = (row: UserLevelRecord | UserTypeRecord): LookupRef => ({
  id: row.id,
  code: row.code,
  name: row.name,
})

/**
 * Users, their lookup tables and their wallets. No HTTP in here: the JSON routes and the pages call it
 * with an {@link Actor} for the ownership checks.
 */
export default class UserService extends MegaService {
  get #db(): SqlDbAdapter {
    return this.db()
  }

  get #users() {
    return createCrud(User, this.#db)
  }

  /** Creates a user and their wallet in one transaction; a taken email is `CRUD_EMAIL_TAKEN`. */
  async create(input: NewUser): Promise<PublicUser> {
    const email = normalizeEmail(input.email)
    const level = await this.#lookup('level', input.level ?? DEFAULT_USER_LEVEL)
    const type = await this.#lookup('type', input.type ?? DEFAULT_USER_TYPE)
    const user = await this.#db
      .transaction(async () => {
        if (await this.#users.exists({ email })) throw emailTaken()
        const created = await this.#users.create({
          email,
          name: input.name,
          password_hash: input.passwordHash,
          level_id: level.id,
          type_id: type.id,
        })
        await createCrud(Wallet, this.#db).create({ user_id: created.id })
        return created
      })
      .catch((err: unknown) => {
        // Two registrations racing past `exists`: the unique index decides.
        throw (err as { code?: unknown }).code === 'MEGA_DB_CONFLICT' ? emailTaken() : err
      })
    return this.#present(user, [level], [type])
  }

  /** Replaces a user's password hash (a rehash at login): for the auth service only. */
  async setPasswordHash(id: number, passwordHash: string): Promise<void> {
    await this.#users.update(id, { password_hash: passwordHash })
  }

  /** The user with this email, hash included: for the auth service only. */
  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const page = await this.#users.list({ filter: { email: normalizeEmail(email) }, perPage: 1 })
    return page.items[0]
  }

  /**
   * One page of users, oldest first, as the actor may see them: the directory is open to every
   * signed-in user, emails are not (the actor's own; every one for staff).
   */
  async list(actor: Actor, page = 1, perPage = 20): Promise<Page<UserView>> {
    const found = await this.#users.list({ sort: ['id'], page, perPage })
    const [levels, types] = await this.#lookups()
    return {
      ...found,
      items: found.items.map((u) => this.#visible(actor, this.#present(u, levels, types))),
    }
  }

  /** One user as the actor may see them (see {@link list}); 404 when missing. */
  async view(actor: Actor, id: number): Promise<UserView> {
    return this.#visible(actor, await this.get(id))
  }

  /** One user, email included: for the actor themselves and the services (404 when missing). */
  async get(id: number): Promise<PublicUser> {
    const user = await this.#users.get(id)
    const [levels, types] = await this.#lookups()
    return this.#present(user, levels, types)
  }

  /**
   * Throws `CRUD_NOT_OWNER` unless the actor may change user `id` (themselves, or staff). Callers
   * check this before they read or validate anything about that user.
   */
  assertCanManage(actor: Actor, id: number): void {
    if (actor.id !== id && !actor.staff) throw notOwner('user')
  }

  /** Changes a user: themselves or staff; only staff may change a level or type. */
  async update(actor: Actor, id: number, changes: UserChanges): Promise<PublicUser> {
    this.assertCanManage(actor, id)
    if ((changes.level !== undefined || changes.type !== undefined) && !actor.staff)
      throw staffOnly("change a user's level or type")
    await this.#users.get(id)
    const values: { name?: string; level_id?: number; type_id?: number } = {}
    if (changes.name !== undefined) values.name = changes.name
    if (changes.level !== undefined)
      values.level_id = (await this.#lookup('level', changes.level)).id
    if (changes.type !== undefined) values.type_id = (await this.#lookup('type', changes.type)).id
    if (Object.keys(values).length > 0) await this.#users.update(id, values)
    return this.get(id)
  }

  /** Deletes a user (themselves or staff); their wallet, sessions, boards and notes go with them. */
  async remove(actor: Actor, id: number): Promise<void> {
    this.assertCanManage(actor, id)
    await this.#users.remove(id)
  }

  /** The user's wallet: themselves or staff. */
  async wallet(actor: Actor, userId: number): Promise<WalletRecord> {
    this.assertCanManage(actor, userId)
    await this.#users.get(userId)
    const page = await createCrud(Wallet, this.#db).list({
      filter: { user_id: userId },
      perPage: 1,
    })
    const wallet = page.items[0]
    if (wallet === undefined) throw new Error(`User ${userId} has no wallet: the data is corrupt.`)
    return wallet
  }

  /**
   * The wallets of `userIds` the actor may see (their own; every one for staff), by user id, in one
   * query: for lists that show balances.
   */
  async wallets(actor: Actor, userIds: readonly number[]): Promise<Map<number, WalletRecord>> {
    const visible = userIds.filter((id) => actor.staff || actor.id === id)
    if (visible.length === 0) return new Map()
    const page = await createCrud(Wallet, this.#db).list({
      filter: { user_id: { in: visible } },
      perPage: visible.length,
    })
    return new Map(page.items.map((w) => [w.user_id, w]))
  }

  /** The levels (in their order) and types a user can have: for forms. */
  async lookups(): Promise<{ levels: LookupRef[]; types: LookupRef[] }> {
    const [levels, types] = await this.#lookups()
    return { levels, types }
  }

  #visible(actor: Actor, user: PublicUser): UserView {
    if (actor.staff || actor.id === user.id) return user
    const { email: _hidden, ...rest } = user
    return rest
  }

  async #lookups(): Promise<[LookupRef[], LookupRef[]]> {
    const [levels, types] = await Promise.all([
      createCrud(UserLevel, this.#db).list({ sort: ['sort_order'], perPage: 100 }),
      createCrud(UserType, this.#db).list({ sort: ['id'], perPage: 100 }),
    ])
    return [levels.items.map(ref), types.items.map(ref)]
  }

  async #lookup(kind: 'level' | 'type', code: string): Promise<LookupRef> {
    const page =
      kind === 'level'
        ? await createCrud(UserLevel, this.#db).list({ filter: { code }, perPage: 1 })
        : await createCrud(UserType, this.#db).list({ filter: { code }, perPage: 1 })
    const row = page.items[0]
    if (row === undefined)
      throw new ValidationError([{ path: `body.${kind}`, message: `unknown ${kind} "${code}"` }])
    return ref(row)
  }

  #present(
    user: UserRecord,
    levels: readonly LookupRef[],
    types: readonly LookupRef[],
  ): PublicUser {
    const level = levels.find((l) => l.id === user.level_id)
    const type = types.find((t) => t.id === user.type_id)
    if (level === undefined || type === undefined)
      throw new Error(`User ${user.id} points at a missing level or type.`)
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      level,
      type,
      created_at: user.created_at,
      updated_at: user.updated_at,
    }
  }
}

// Types `ctx.services.user` in every handler.
declare module '@mega/core' {
  interface MegaServices {
    user: UserService
  }
}
