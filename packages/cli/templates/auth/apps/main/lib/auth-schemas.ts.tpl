import { z } from 'zod'

/** An email address, trimmed and lower-cased before it is checked: one spelling per account. */
export const Email = z.string().trim().toLowerCase().pipe(z.email().max(255))

/**
 * A new password (sign-up): 10 to 128 characters, not only spaces. The maximum bounds the scrypt
 * work an anonymous request can ask for.
 */
export const Password = z
  .string()
  .min(10, 'use at least 10 characters')
  .max(128, 'use at most 128 characters')
  .refine((s) => s.trim() !== '', 'use more than spaces: add letters, digits or symbols')

/** Signing up: `POST /api/auth/register` and the sign-up page. */
export const Registration = z.object({ email: Email, password: Password })

/** Signing in: any non-empty password (its length says nothing a 401 should not). */
export const Credentials = z.object({ email: Email, password: z.string().min(1).max(200) })

/** A user as every route shows it: there is no password field to leak. */
export const UserOut = z.object({ id: z.number(), email: z.string(), created_at: z.date() })
