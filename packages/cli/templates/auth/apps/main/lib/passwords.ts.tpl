import { createPasswordHasher, type PasswordHasher } from '@mega/core'

/**
 * The app's password hasher: Mega's scrypt defaults (`$scrypt$ln=15,r=8,p=3$...`). Under vitest
 * (`NODE_ENV=test`) a cheap cost keeps the tests fast; a hash of one cost verifies under the other,
 * and a sign-in hashes a password whose hash has an old cost again (`needsRehash`).
 */
export const passwords: PasswordHasher = createPasswordHasher(
  process.env.NODE_ENV === 'test' ? { ln: 12, r: 8, p: 1 } : {},
)
