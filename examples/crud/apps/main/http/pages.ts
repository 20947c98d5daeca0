import type { z } from 'zod'
import { csrfToken, MegaError, type RequestContext } from '@mega/core'

// What every page route shares (routes/web.ts, routes/web-boards.ts): rendering into the layout,
// the redirect after a form, the 403/404 pages, and reading a posted form field by field.

// What the pages keep in the cookie session besides the signed-in user (`login(ctx, user)` binds it):
// a one-shot notice.
declare module '@mega/core' {
  interface MegaSessionData {
    flash: string
  }
}

/** What a page handler answers: the rendered page (a reply once the view is written). */
export type Rendered = ReturnType<RequestContext['render']>

/** A message per form field (the first issue of each), from zod or from a service's 422. */
export type FieldErrors = Record<string, string>

/** The first zod issue of each field, keyed by the field's name. */
export function zodErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {}
  for (const issue of error.issues) out[String(issue.path[0] ?? 'form')] ??= issue.message
  return out
}

/** The fields of a posted form (`forms()` parses it into an object of strings). */
export function formOf(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}
}

/** A form field as a string ('' when absent or not a string). */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

/**
 * Renders a page into the layout with what every page needs: the session's CSRF token (for the
 * forms), the signed-in user (behind the `webUser` guard; none on the public pages) and the one-shot
 * notice left by a redirect.
 */
export function page(
  ctx: RequestContext,
  view: string,
  data: { readonly title: string } & Record<string, unknown>,
  status = 200,
): Rendered {
  const flash = ctx.session.get('flash')
  if (flash !== undefined) ctx.session.delete('flash')
  return ctx.status(status).render(view, {
    csrf: csrfToken(ctx),
    me: ctx.auth.isChecked ? ctx.auth.user : undefined,
    flash,
    errors: {},
    ...data,
  })
}

/** `303 See Other`: after a form, the browser GETs the next page (no re-post on reload). */
export function redirect(ctx: RequestContext, url: string): RequestContext['reply'] {
  return ctx.reply.redirect(url, 303)
}

/** A forbidden or missing thing as a page (403, 404) rather than the JSON envelope. */
export function failurePage(ctx: RequestContext, err: unknown): Rendered {
  if (MegaError.is(err) && (err.statusCode === 403 || err.statusCode === 404)) {
    const title = err.statusCode === 403 ? 'Not yours' : 'Not here'
    return page(ctx, 'error', { title, message: err.message }, err.statusCode)
  }
  throw err
}
