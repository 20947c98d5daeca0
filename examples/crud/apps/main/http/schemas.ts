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
  link: z.string().nullable(),
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

/**
 * A user as another member sees them (`GET /users`, `GET /users/:id`): `email` only on their own
 * row; staff get it on every row (see "Authorization rules" in the README).
 */
export const UserView = UserOut.extend({ email: z.string().optional() })

// Inputs: the limits match the columns of the models.

/**
 * An email address, normalised before it is checked (trimmed, lower-cased, as `normalizeEmail`
 * does), so sign-up, login and the login limiter see one spelling: `CAROL@…` is `carol@…`. The
 * format is checked by zod after normalising, so the JSON Schema (OpenAPI, the compiled validator)
 * shows a plain string.
 */
export const Email = z.string().trim().toLowerCase().pipe(z.email().max(255))

/** The password policy's bounds: see {@link Password}. */
export const PASSWORD_MIN_LENGTH = 10
export const PASSWORD_MAX_LENGTH = 128

// C0 and C1 control characters: NUL, tab, line breaks, escape, DEL...
const CONTROL_CHARACTER = /\p{Cc}/u

/**
 * The password policy of new passwords (sign-up): 10 to 128 characters, not only spaces, no control
 * characters. The maximum bounds the scrypt work an anonymous request can ask for. Login takes any
 * non-empty password up to 200 characters ({@link Credentials}), so accounts from before the policy
 * still sign in.
 */
export const Password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `use at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `use at most ${PASSWORD_MAX_LENGTH} characters`)
  .refine((s) => !CONTROL_CHARACTER.test(s), {
    message:
      'remove control characters (NUL, tab, line breaks): use letters, digits, spaces, symbols',
    abort: true,
  })
  .refine((s) => s.trim() !== '', 'use more than spaces: add letters, digits or symbols')
/** A board's or a note's title (the pages show these messages under the field). */
export const Title = z
  .string()
  .trim()
  .min(1, 'write a title: it cannot be empty or only spaces')
  .max(200, 'use at most 200 characters')
export const UserName = z.string().trim().min(1).max(100)

/** Signing up: `POST /auth/register` and the sign-up page. */
export const Registration = z.object({ email: Email, password: Password, name: UserName })
/** Signing in: any non-empty password (its length says nothing the 401 should not). */
export const Credentials = z.object({ email: Email, password: z.string().min(1).max(200) })
