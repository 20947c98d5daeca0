import { connect } from 'node:net'

/** A response as the attacker reads it: status, headers, body text and the JSON body if any. */
export interface HttpAnswer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  json<T = { ok: boolean; data?: unknown; error?: { code: string; message: string } }>(): T
}

async function answerOf(res: Response): Promise<HttpAnswer> {
  const text = await res.text()
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: <T>() => JSON.parse(text) as T,
  }
}

/**
 * A client over a real socket (`fetch`, no redirects followed) that keeps cookies like a browser and
 * remembers the CSRF token of the last page it loaded; `headers` go with every request (an `Origin`,
 * a bearer token).
 */
export class HttpClient {
  readonly cookies = new Map<string, string>()
  csrf = ''

  constructor(
    readonly base: string,
    readonly headers: Record<string, string> = {},
  ) {}

  /** Sends a request with the kept cookies; a body object is sent as JSON. */
  async send(
    method: string,
    path: string,
    options: {
      json?: unknown
      form?: Record<string, string>
      headers?: Record<string, string>
    } = {},
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...this.headers, ...options.headers }
    if (this.cookies.size > 0)
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    let body: string | undefined
    if (options.json !== undefined) {
      headers['content-type'] ??= 'application/json'
      body = typeof options.json === 'string' ? options.json : JSON.stringify(options.json)
    } else if (options.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = new URLSearchParams(options.form).toString()
    }
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' })
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))
      if (value === '' || expired) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    const answer = await answerOf(res)
    const token = /name="_csrf" value="([^"]+)"/.exec(answer.text)?.[1]
    if (token !== undefined) this.csrf = token
    return answer
  }

  get(path: string, headers?: Record<string, string>): Promise<HttpAnswer> {
    return this.send('GET', path, headers === undefined ? {} : { headers })
  }

  /** Posts a form with the last page's CSRF token (unless `withToken` is false). */
  postForm(path: string, fields: Record<string, string>, withToken = true): Promise<HttpAnswer> {
    return this.send('POST', path, { form: withToken ? { _csrf: this.csrf, ...fields } : fields })
  }
}

/**
 * Writes `request` as raw bytes on a new connection and resolves everything the server answers until
 * it closes the connection (send `Connection: close`). The socket stays open for writing meanwhile:
 * a half-closed client would lose answers the server sends later (a streamed static file).
 */
export function rawRequest(base: string, request: string): Promise<string> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname)
    let out = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => (out += chunk))
    socket.on('error', reject)
    socket.on('close', () => resolve(out))
    socket.on('connect', () => socket.write(request))
  })
}

/** The status, headers (lower-case names) and body of a raw HTTP/1.1 answer. */
export function parseRaw(raw: string): {
  status: number
  headers: Record<string, string>
  body: string
} {
  const end = raw.indexOf('\r\n\r\n')
  const [statusLine = '', ...lines] = raw.slice(0, end).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: raw.slice(end + 4) }
}
