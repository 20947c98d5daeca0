/**
 * `true` when `path` is `prefix` or below it: `/web` covers `/web` and `/web/users`, not `/website`;
 * `/` covers every path.
 */
export function isUnderPath(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix === '/' ? '' : prefix}/`)
}
