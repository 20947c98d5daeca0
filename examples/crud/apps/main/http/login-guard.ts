import { bruteForce } from '@mega/core'

/**
 * The brute-force guard of both logins (`POST /auth/login` and `POST /web/login`, through
 * `AuthService.verify`): 10 *failed* attempts per account (the normalised email) in 15 minutes lock
 * it for 15 minutes, doubling at each further lockout within a day; 50 failures from one client
 * address lock the address. A successful login clears the account's count, so its owner is never
 * locked out by signing in. Counted in the `cache` adapter: on Redis every process shares it.
 */
export const loginGuard = bruteForce({ name: 'login', maxFailures: 10 })
