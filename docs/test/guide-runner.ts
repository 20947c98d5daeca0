// Reads the guide's Markdown and runs it: file blocks are written into an app, `mega` lines run the
// CLI, `curl` lines become requests whose answers must contain the JSON block that follows them.
// docs/guide/README.md ("How this guide is tested") is the contract for writers.

/** One fenced code block of a chapter. */
export interface GuideBlock {
  /** The language after the fence (`ts`, `sh`, `json`…). */
  readonly lang: string
  /** `key=value` words after the language: `file=apps/main/routes/links.ts`. */
  readonly meta: Readonly<Record<string, string>>
  /** Bare words after the language: `eventually`. */
  readonly flags: ReadonlySet<string>
  readonly body: string
  /** 1-based line of the opening fence, for messages. */
  readonly line: number
}

/** Every fenced block of a Markdown text, in order (``` and ~~~ fences, no nesting). */
export function parseBlocks(markdown: string): GuideBlock[] {
  const blocks: GuideBlock[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^(```|~~~)(\S*)\s*(.*)$/.exec(lines[i]!)
    if (open === null) continue
    const [, fence, lang, rest] = open
    const meta: Record<string, string> = {}
    const flags = new Set<string>()
    for (const word of rest!.split(/\s+/).filter(Boolean)) {
      const eq = word.indexOf('=')
      if (eq > 0) meta[word.slice(0, eq)] = word.slice(eq + 1)
      else flags.add(word)
    }
    const body: string[] = []
    let j = i + 1
    while (j < lines.length && !lines[j]!.startsWith(fence!)) body.push(lines[j++]!)
    if (j === lines.length) throw new Error(`line ${i + 1}: a code block is never closed`)
    blocks.push({ lang: lang!, meta, flags, body: `${body.join('\n')}\n`, line: i + 1 })
    i = j
  }
  return blocks
}

/** A `curl` line as a request `app.inject` can send. */
export interface CurlRequest {
  readonly method: string
  readonly url: string
  readonly headers: Record<string, string>
  readonly payload?: string
}

/** Splits a shell line into words: single and double quotes, backslash-newline already joined. */
export function shellWords(line: string): string[] {
  const words: string[] = []
  let word: string | undefined
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (ch === "'" || ch === '"') {
      const end = line.indexOf(ch, i + 1)
      if (end < 0) throw new Error(`unclosed quote in: ${line}`)
      word = (word ?? '') + line.slice(i + 1, end)
      i = end
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word)
      word = undefined
    } else word = (word ?? '') + ch
  }
  if (word !== undefined) words.push(word)
  return words
}

/**
 * Reads `curl [-s] [-i] [-X METHOD] [-H 'name: value']… [-d 'body'] http://127.0.0.1:3000/path`.
 * Anything else is refused, so the guide shows only what the test checks.
 */
export function parseCurl(line: string): CurlRequest {
  const words = shellWords(line)
  if (words[0] !== 'curl') throw new Error(`not a curl line: ${line}`)
  let method: string | undefined
  let url: string | undefined
  let payload: string | undefined
  const headers: Record<string, string> = {}
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!
    if (word === '-s' || word === '-i' || word === '-si') continue
    else if (word === '-X') method = words[++i]
    else if (word === '-H') {
      const header = words[++i] ?? ''
      const colon = header.indexOf(':')
      headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim()
    } else if (word === '-d' || word === '--data') payload = words[++i]
    else if (/^https?:\/\//.test(word)) url = new URL(word).pathname + new URL(word).search
    else throw new Error(`curl option "${word}" is not one the guide test understands: ${line}`)
  }
  if (url === undefined) throw new Error(`curl line without a URL: ${line}`)
  return {
    method: method ?? (payload === undefined ? 'GET' : 'POST'),
    url,
    headers,
    ...(payload === undefined ? {} : { payload }),
  }
}

/** The commands of an `sh` block: comments and blank lines dropped, `\` continuations joined. */
export function shellLines(body: string): string[] {
  return body
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
}

/** A `wscat` line: where to connect, with which subprotocols, and the one message to send. */
export interface WscatCommand {
  readonly path: string
  readonly protocols: string[]
  readonly message: string
}

/** Reads `npx wscat -c ws://127.0.0.1:3000/path [-s protocol]… -x '<message>'`; nothing else. */
export function parseWscat(line: string): WscatCommand {
  const words = shellWords(line)
  const start = words[0] === 'npx' ? 1 : 0
  if (words[start] !== 'wscat') throw new Error(`not a wscat line: ${line}`)
  let path: string | undefined
  let message: string | undefined
  const protocols: string[] = []
  for (let i = start + 1; i < words.length; i++) {
    const word = words[i]!
    if (word === '-c') {
      const url = new URL(words[++i] ?? '')
      path = url.pathname + url.search
    } else if (word === '-s') protocols.push(words[++i] ?? '')
    else if (word === '-x') message = words[++i]
    else throw new Error(`wscat option "${word}" is not one the guide test understands: ${line}`)
  }
  if (path === undefined || message === undefined)
    throw new Error(`a wscat line needs -c <url> and -x <message>: ${line}`)
  return { path, protocols, message }
}
