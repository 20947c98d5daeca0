import {
  MegaError,
  type AccessTokenRecord,
  type AccessTokenStore,
  type NewAccessToken,
} from '@mega/core'
import { createCrud, type SqlDbAdapter } from '@mega/db'
import { AccessToken, type AccessTokenRow } from '../models/access-token-model.js'

function recordOf(row: AccessTokenRow): AccessTokenRecord {
  return {
    id: String(row.id),
    principal: row.user_id,
    hash: row.token_hash,
    abilities: row.abilities,
    name: row.name,
    createdAt: row.issued_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  }
}

/** A row id from a token's id part: digits only, else no row. */
function rowId(id: string): number | undefined {
  return /^\d{1,15}$/.test(id) ? Number(id) : undefined
}

/** Runs a write on one row; a row deleted meanwhile (a concurrent logout) is no error. */
async function gone(write: Promise<unknown>): Promise<void> {
  try {
    await write
  } catch (err) {
    if (!MegaError.is(err, 'MEGA_CRUD_NOT_FOUND')) throw err
  }
}

/**
 * Mega's `AccessTokenStore` over the `access_tokens` table: what `auth({ tokens })` verifies bearer
 * tokens against (Mega hashes, compares and expires; this only reads and writes rows).
 */
export class AccessTokenTable implements AccessTokenStore {
  readonly #db: SqlDbAdapter

  constructor(db: SqlDbAdapter) {
    this.#db = db
  }

  get #rows() {
    return createCrud(AccessToken, this.#db)
  }

  async create(token: NewAccessToken): Promise<number> {
    const row = await this.#rows.create({
      user_id: Number(token.principal),
      token_hash: token.hash,
      abilities: [...token.abilities],
      name: token.name,
      issued_at: token.createdAt,
      expires_at: token.expiresAt,
      last_used_at: null,
    })
    return row.id
  }

  async find(id: string): Promise<AccessTokenRecord | undefined> {
    const key = rowId(id)
    if (key === undefined) return undefined
    const row = await this.#rows.find(key)
    return row === undefined ? undefined : recordOf(row)
  }

  async revoke(id: string): Promise<void> {
    const key = rowId(id)
    if (key !== undefined) await gone(this.#rows.remove(key))
  }

  async touch(id: string, usedAt: Date): Promise<void> {
    const key = rowId(id)
    if (key !== undefined) await gone(this.#rows.update(key, { last_used_at: usedAt }))
  }
}
