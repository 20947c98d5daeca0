import type { FastifyInstance } from 'fastify'
import { BadRequestError } from '../errors.js'

/** How deep arrays and objects of a JSON body may nest, unless the server says otherwise. */
export const DEFAULT_MAX_JSON_DEPTH = 64

const OPEN_BRACE = 0x7b
const OPEN_BRACKET = 0x5b
const CLOSE_BRACE = 0x7d
const CLOSE_BRACKET = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c

/**
 * `true` when arrays and objects in `text` nest deeper than `max` (brackets inside strings do not
 * count). One pass without recursion, before anything is parsed, so a hostile document never reaches
 * code that recurses per level (zod's `z.json()`, serialisers, the app's own code).
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  // Nesting needs one opening bracket per level: most bodies have fewer than `max` in all, which
  // indexOf (native) counts faster than the scan below walks the text.
  if (text.length <= max || openingsAtMost(text, max)) return false
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === BACKSLASH) i++
      else if (c === QUOTE) inString = false
    } else if (c === QUOTE) inString = true
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--
  }
  return false
}

function openingsAtMost(text: string, max: number): boolean {
  let count = 0
  for (const bracket of ['{', '[']) {
    for (let i = text.indexOf(bracket); i !== -1; i = text.indexOf(bracket, i + 1))
      if (++count > max) return false
  }
  return true
}

/**
 * Replaces Fastify's `application/json` parser with the same parser (secure-json-parse, which refuses
 * `__proto__` and `constructor.prototype` keys) behind a nesting cap: a deeper body is a 400
 * `MEGA_INVALID_JSON`.
 */
export function installJsonParser(fastify: FastifyInstance, maxDepth: number): void {
  const parse = fastify.getDefaultJsonParser('error', 'error')
  fastify.removeContentTypeParser('application/json')
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (request, body: string, done) => {
      if (nestsDeeperThan(body, maxDepth)) {
        done(
          new BadRequestError(
            `The JSON body nests deeper than ${maxDepth} levels: send a flatter document.`,
            { code: 'MEGA_INVALID_JSON' },
          ),
          undefined,
        )
        return
      }
      void parse(request, body, done)
    },
  )
}
