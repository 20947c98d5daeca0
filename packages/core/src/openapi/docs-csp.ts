import type { ResolvedOpenApiOptions } from './openapi-options.js'

/**
 * What Swagger UI needs under a Content-Security-Policy. Its page loads only its own files (no
 * inline script, so `'self'` covers its scripts, with no nonce or hash), but it styles elements
 * inline, shows `data:` images, and calls the document's `servers` from "Try it out".
 */
function needs(servers: ResolvedOpenApiOptions['servers']): Record<string, readonly string[]> {
  const origins = (servers ?? []).flatMap((s) => {
    try {
      return [new URL(s.url).origin] // relative URLs are this origin: 'self'
    } catch {
      return []
    }
  })
  return {
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...origins],
  }
}

/** `a b c; d e` → `{ a: [b, c], d: [e] }`, in order. */
function parse(header: string): Map<string, string[]> {
  const directives = new Map<string, string[]>()
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (name !== undefined && name !== '' && !directives.has(name.toLowerCase()))
      directives.set(name.toLowerCase(), sources)
  }
  return directives
}

/**
 * The docs UI's `transformStaticCSP` (`@fastify/swagger-ui`): the app's policy on `/docs` (from
 * `security()`), with what Swagger UI needs added to it. A directive the policy leaves out falls
 * back to `default-src`, so it starts from that; `'none'` gives way to the sources added.
 */
export function docsCspTransform(
  servers: ResolvedOpenApiOptions['servers'],
): (header: string) => string {
  const required = needs(servers)
  return (header) => {
    const directives = parse(header)
    const fallback = directives.get('default-src') ?? []
    for (const [name, sources] of Object.entries(required)) {
      const current = (directives.get(name) ?? [...fallback]).filter((s) => s !== "'none'")
      for (const source of sources) if (!current.includes(source)) current.push(source)
      directives.set(name, current)
    }
    return [...directives].map(([name, sources]) => [name, ...sources].join(' ')).join('; ')
  }
}
