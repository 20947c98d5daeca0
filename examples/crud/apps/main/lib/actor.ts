import type { MegaAuthUser } from '@mega/core'

// Who is signed in, as core's `auth()` types it: `ctx.auth.user` and `ctx.auth.userOrFail()` are this
// shape in every handler, and the services take it for ownership checks.
declare module '@mega/core' {
  interface MegaAuthUser {
    readonly id: number
    readonly email: string
    /** Staff users may manage other users and read the admin routes. */
    readonly staff: boolean
  }
}

/** Who is calling: `ctx.auth.userOrFail()` (core's `MegaAuthUser`, declared above). */
export type Actor = MegaAuthUser

/** The user type code that makes a user staff (see the seed migration). */
export const STAFF_TYPE = 'staff'
