/**
 * The one spelling of an email address this app stores, looks up and counts login attempts under:
 * trimmed and lower-cased. `CAROL@example.com ` and `carol@example.com` are one account and one
 * brute-force count (a case-sensitive limiter key gave each of the 2^n spellings its own tries).
 *
 * @example
 * normalizeEmail('  Ada@Example.COM ') // 'ada@example.com'
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}
