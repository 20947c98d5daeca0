import { z } from 'zod'
import { LOG_LEVELS } from '../models/log-model.js'

/** `:id` path parameters. */
export const IdParams = z.object({ id: z.coerce.number().int().positive() })

/** `?page=&per_page=` of every list route. */
export const PagingQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
})

/** The `data` of a list route: one page of `item`, with the totals. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number(),
    page: z.number(),
    perPage: z.number(),
    pages: z.number(),
  })
}

const Lookup = z.object({ id: z.number(), code: z.string(), name: z.string() })

/** A user as every route shows it: there is no password field to leak. */
export const UserOut = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  level: Lookup,
  type: Lookup,
  created_at: z.date(),
  updated_at: z.date(),
})

export const WalletOut = z.object({
  id: z.number(),
  user_id: z.number(),
  balance: z.string(),
  currency: z.string(),
  created_at: z.date(),
  updated_at: z.date(),
})

export const BoardOut = z.object({
  id: z.number(),
  owner_id: z.number(),
  title: z.string(),
  created_at: z.date(),
  updated_at: z.date(),
})

export const NoteOut = z.object({
  id: z.number(),
  board_id: z.number(),
  author_id: z.number(),
  title: z.string(),
  body: z.string(),
  created_at: z.date(),
  updated_at: z.date(),
})

export const LogOut = z.object({
  id: z.number(),
  at: z.date(),
  level: z.enum(LOG_LEVELS),
  message: z.string(),
  user_id: z.number().nullable(),
  meta: z.unknown(),
})

// Inputs: the limits match the columns of the models.
export const Email = z.email().max(255)
export const Password = z.string().min(8).max(200)
export const Title = z.string().trim().min(1).max(200)
export const UserName = z.string().trim().min(1).max(100)

/** Signing up: `POST /auth/register` and the sign-up page. */
export const Registration = z.object({ email: Email, password: Password, name: UserName })
/** Signing in: any non-empty password (its length says nothing the 401 should not). */
export const Credentials = z.object({ email: Email, password: z.string().min(1).max(200) })
