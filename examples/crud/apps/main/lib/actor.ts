/** Who is calling: what the auth guard puts in `ctx.auth` and services take for ownership checks. */
export interface Actor {
  readonly id: number
  readonly email: string
  /** Staff users may manage other users and read the admin routes. */
  readonly staff: boolean
}

/** The user type code that makes a user staff (see the seed migration). */
export const STAFF_TYPE = 'staff'
