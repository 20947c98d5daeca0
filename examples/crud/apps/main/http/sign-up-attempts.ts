import { limitRoute } from '@mega/core'

/**
 * The guard of both sign-ups (`POST /auth/register` and `POST /web/register`): 10 attempts per
 * client address per hour, whatever their outcome. Sign-up answers 409 `CRUD_EMAIL_TAKEN` for an
 * address that has an account, so this also bounds how fast one client can probe emails (and how
 * much scrypt work it can queue). One name in one store: the two doors share one count.
 */
export const signUpAttempts = limitRoute({
  name: 'sign-up',
  max: 10,
  windowMs: 60 * 60_000,
  store: 'cache',
})
