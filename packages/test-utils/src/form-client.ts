/** A response as {@link FormClient} reads it: status, `location` and body text. */
export interface FormResponse {
  readonly status: number
  readonly location: string | null
  readonly body: string
}

/** A browser stand-in over `fetch`: a cookie jar, no redirects followed, forms with their CSRF token. */
export interface FormClient {
  /** GETs a page (cookies sent and kept). */
  open(path: string): Promise<FormResponse>
  /**
   * Posts `fields` urlencoded to `action`, with the `_csrf` token of the page at `from` (GET first,
   * as a browser shows the form before it is sent). @default from = action
   */
  submit(
    action: string,
    fields: Readonly<Record<string, string>>,
    from?: string,
  ): Promise<FormResponse>
}

const CSRF_FIELD = /name="_csrf" value="([^"]*)"/

/**
 * A client that uses an app's HTML pages as a browser does, for tests over a real socket: it keeps
 * the cookies it is given, never follows a redirect (a test asserts the `303`) and sends each form
 * with the CSRF token of the page that shows it.
 *
 * @example
 * const browser = createFormClient(server.url)
 * const res = await browser.submit('/auth/sign-in', { email, password })
 * expect(res).toMatchObject({ status: 303, location: '/auth/account' })
 */
export function createFormClient(baseUrl: string): FormClient {
  const cookies = new Map<string, string>()
  const request = async (path: string, init: RequestInit = {}): Promise<FormResponse> => {
    const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    const headers = new Headers(init.headers)
    if (cookie !== '') headers.set('cookie', cookie)
    const res = await fetch(new URL(path, baseUrl), { ...init, headers, redirect: 'manual' })
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const at = pair.indexOf('=')
      cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1))
    }
    return { status: res.status, location: res.headers.get('location'), body: await res.text() }
  }
  return {
    open: (path) => request(path),
    async submit(action, fields, from = action) {
      const csrf = CSRF_FIELD.exec((await request(from)).body)?.[1] ?? ''
      return request(action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...fields, _csrf: csrf }).toString(),
      })
    },
  }
}
