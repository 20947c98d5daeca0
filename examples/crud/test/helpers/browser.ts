import type { TestApp } from '@mega/core/testing'

type Response = Awaited<ReturnType<TestApp['inject']>>

/**
 * A browser for `app.inject`: keeps the cookies the app sets (and drops the ones it clears), sends
 * them back, and posts forms urlencoded with the CSRF token of the last page it loaded. `address` is
 * its client address (`request.ip`), 127.0.0.1 unless given.
 */
export class Browser {
  readonly cookies: Record<string, string> = {}
  csrf = ''

  constructor(
    readonly app: TestApp,
    readonly address = '127.0.0.1',
  ) {}

  async get(url: string): Promise<Response> {
    return this.#keep(
      await this.app.inject({ url, cookies: this.cookies, remoteAddress: this.address }),
    )
  }

  /** Posts a form with the page's token, unless the fields say `_csrf` themselves (or omit it). */
  async post(url: string, fields: Record<string, string>, withToken = true): Promise<Response> {
    const form = new URLSearchParams(withToken ? { _csrf: this.csrf, ...fields } : fields)
    return this.#keep(
      await this.app.inject({
        method: 'POST',
        url,
        cookies: this.cookies,
        remoteAddress: this.address,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: form.toString(),
      }),
    )
  }

  #keep(res: Response): Response {
    for (const cookie of res.cookies as { name: string; value: string; maxAge?: number }[]) {
      if (cookie.value === '' || cookie.maxAge === 0) delete this.cookies[cookie.name]
      else this.cookies[cookie.name] = cookie.value
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1]
    if (token !== undefined) this.csrf = token
    return res
  }
}
