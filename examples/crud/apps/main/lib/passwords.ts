import { createPasswordHasher, type PasswordHasher } from '@mega/core'

/**
 * The app's password hasher: Mega's scrypt defaults (`$scrypt$ln=15,r=8,p=3$...`). Under vitest
 * (`NODE_ENV=test`) a cheap cost keeps the suite fast; hashes made with one cost verify under the
 * other, and a login rehashes a hash whose cost is not the current one (see AuthService.verify).
 */
export const passwords: PasswordHasher = createPasswordHasher(
  process.env.NODE_ENV === 'test' ? { ln: 12, r: 8, p: 1 } : {},
)

// The format this app stored before it used @mega/core's hasher: `scrypt$N$r$p$<salt>$<key>`
// (base64url), scrypt over the NFKC-normalised password, as core's hasher does.
const LEGACY = /^scrypt\$(\d{1,8})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/

/**
 * A stored hash in the PHC format core reads: an old `scrypt$N$r$p$salt$key` hash of this app is
 * rewritten losslessly (same salt, key and cost), so it still verifies, and `needsRehash` then
 * upgrades it at the next login. Any other value is returned as is.
 */
export function storedHash(stored: string): string {
  const m = LEGACY.exec(stored)
  if (m === null) return stored
  const [, n, r, p, salt, key] = m as unknown as [string, string, string, string, string, string]
  const ln = Math.log2(Number(n))
  if (!Number.isInteger(ln)) return stored
  const b64 = (s: string) => Buffer.from(s, 'base64url').toString('base64').replace(/=+$/, '')
  return `$scrypt$ln=${ln},r=${r},p=${p}$${b64(salt)}$${b64(key)}`
}
