import { z } from 'zod'
import {
  defineRoutes,
  login,
  logout,
  MegaError,
  type BeforeHook,
  type RequestContext,
} from '@mega/core'
import { LOGIN_PAGE, webUser } from '../http/auth-guards.js'
import {
  failurePage,
  formOf,
  page,
  redirect,
  text,
  zodErrors,
  type FieldErrors,
} from '../http/pages.js'
import { staffOnly } from '../lib/crud-errors.js'
import { passwords } from '../lib/passwords.js'
import { signUpAttempts } from '../http/sign-up-attempts.js'
import { Credentials, IdParams, PagingQuery, Registration, UserName } from '../http/schemas.js'
import { actorOf } from '../services/auth-service.js'
import type { PublicUser } from '../services/user-service.js'

// The HTML pages (sign-up, sign-in, users; the boards' pages are in web-boards.ts): the same services
// as the JSON routes, a cookie session instead of a bearer token.
// Forms are validated here with the zod schemas' safeParse, so a mistake re-renders the form with a
// message next to each field instead of answering the JSON 422 envelope.

const HOME = '/web/users'
const Code = z.string().min(1).max(32)
const EditForm = z.object({ name: UserName, level: Code.optional(), type: Code.optional() })
/** Staff create a user with a level and type (sign-up gives the defaults). */
const NewUserForm = Registration.extend({ level: Code, type: Code })

/** The `:id` of the path, or a 404 page's error for one that is not a positive integer. */
function idOf(ctx: RequestContext): number {
  const parsed = IdParams.safeParse(ctx.params)
  if (parsed.success) return parsed.data.id
  throw new MegaError('MEGA_CRUD_NOT_FOUND', 'There is no such user.', { statusCode: 404 })
}

/**
 * Opens the browser's session with core's `login`: a new id at sign-in (an id planted before it is
 * worthless), bound to the user, so deleting the user ends every session of theirs (`revokeSessions`
 * in the user routes) and a later user who got the same id never inherits them.
 */
function signIn(ctx: RequestContext, user: PublicUser): void {
  login(ctx, actorOf(user))
}

/**
 * A JSON route's limiter in front of a form: past the limit the form (`view`) is shown again with the
 * 429 message (and `retry-after`) rather than the JSON envelope, keeping the typed `fields` (never the
 * password). Awaiting the page waits for the response to end (a reply is sent only after the session
 * is saved), so the handler
 * never runs.
 */
function limitedForm(
  limiter: BeforeHook,
  view: string,
  title: string,
  fields: readonly string[],
): BeforeHook {
  return async (ctx) => {
    try {
      await limiter(ctx)
    } catch (err) {
      if (!MegaError.is(err, 'MEGA_RATE_LIMITED')) throw err
      const form = formOf(ctx.body)
      const values = Object.fromEntries(fields.map((f) => [f, text(form[f])]))
      await page(ctx, view, { title, values, error: err.message }, 429)
    }
    return undefined
  }
}

/** The JSON sign-up's limit (one count for both doors), in front of the sign-up page. */
const webSignUpAttempts = limitedForm(signUpAttempts, 'auth/register', 'Sign up', ['email', 'name'])

async function editPage(
  ctx: RequestContext,
  user: PublicUser,
  form: { values: Record<string, string>; errors?: FieldErrors; error?: string },
  status = 200,
) {
  const staff = ctx.auth.userOrFail().staff
  const lookups = staff ? await ctx.services.user.lookups() : { levels: [], types: [] }
  return page(
    ctx,
    'users/edit',
    { title: `Edit ${user.name}`, user, staff, ...lookups, ...form },
    status,
  )
}

/** The staff's new-user form, with the level and type lists. */
async function newUserPage(
  ctx: RequestContext,
  form: { values: Record<string, string>; errors?: FieldErrors },
  status = 200,
) {
  const lookups = await ctx.services.user.lookups()
  return page(ctx, 'users/new', { title: 'New user', ...lookups, ...form }, status)
}

/** The new-user pages are for staff: anyone else gets the 403 page. */
function assertStaff(ctx: RequestContext): void {
  if (!ctx.auth.userOrFail().staff) throw staffOnly('create users')
}

/** Field messages from a service's 422 (an unknown level or type names body.<field>). */
function serviceErrors(err: MegaError): FieldErrors {
  const errors: FieldErrors = {}
  for (const issue of err.issues ?? []) errors[issue.path.replace(/^body\./, '')] ??= issue.message
  return errors
}

export default defineRoutes((r) => {
  r.group({ prefix: '/web', namePrefix: 'web.' }, (r) => {
    r.get('/', { name: 'home', summary: 'The pages start at the user list' }, (ctx) =>
      redirect(ctx, HOME),
    )

    r.get('/register', { name: 'register', summary: 'The sign-up form' }, (ctx) =>
      page(ctx, 'auth/register', { title: 'Sign up', values: {} }),
    )
    r.post(
      '/register',
      { name: 'register.submit', summary: 'Signs up and in', before: [webSignUpAttempts] },
      async (ctx) => {
        const form = formOf(ctx.body)
        const values = { email: text(form.email), name: text(form.name) }
        const parsed = Registration.safeParse(form)
        if (!parsed.success) {
          const errors = zodErrors(parsed.error)
          return page(ctx, 'auth/register', { title: 'Sign up', values, errors }, 422)
        }
        try {
          const user = await ctx.services.auth.register(parsed.data)
          signIn(ctx, user)
          ctx.session.set('flash', `Welcome, ${user.name}!`)
        } catch (err) {
          if (!MegaError.is(err, 'CRUD_EMAIL_TAKEN')) throw err
          const errors = { email: err.message }
          return page(ctx, 'auth/register', { title: 'Sign up', values, errors }, 409)
        }
        return redirect(ctx, HOME)
      },
    )

    r.get('/login', { name: 'login', summary: 'The sign-in form' }, (ctx) =>
      page(ctx, 'auth/login', { title: 'Sign in', values: {} }),
    )
    r.post('/login', { name: 'login.submit', summary: 'Signs in' }, async (ctx) => {
      const form = formOf(ctx.body)
      const values = { email: text(form.email) }
      const parsed = Credentials.safeParse(form)
      if (!parsed.success) {
        const errors = zodErrors(parsed.error)
        return page(ctx, 'auth/login', { title: 'Sign in', values, errors }, 422)
      }
      try {
        // The JSON login's brute-force guard (one count for both doors) is in the service.
        const { email, password } = parsed.data
        const user = await ctx.services.auth.verify(email, password, ctx.request.ip)
        signIn(ctx, user)
      } catch (err) {
        if (MegaError.is(err, 'MEGA_LOCKED_OUT')) {
          void ctx.reply.header('retry-after', err.details?.retryAfterS)
          return page(ctx, 'auth/login', { title: 'Sign in', values, error: err.message }, 429)
        }
        if (!MegaError.is(err, 'CRUD_INVALID_CREDENTIALS')) throw err
        return page(ctx, 'auth/login', { title: 'Sign in', values, error: err.message }, 401)
      }
      return redirect(ctx, HOME)
    })
    r.post('/logout', { name: 'logout', summary: 'Signs out' }, async (ctx) => {
      await logout(ctx)
      return redirect(ctx, LOGIN_PAGE)
    })

    r.group({ before: [webUser] }, (r) => {
      r.get('/users', { name: 'users.index', summary: 'Users, a page at a time' }, async (ctx) => {
        const actor = ctx.auth.userOrFail()
        const query = PagingQuery.safeParse(ctx.query)
        const { page: n, per_page: perPage } = query.success
          ? query.data
          : { page: 1, per_page: 20 }
        const users = await ctx.services.user.list(actor, n, perPage)
        const wallets = await ctx.services.user.wallets(
          actor,
          users.items.map((u) => u.id),
        )
        const rows = users.items.map((user) => ({
          user,
          wallet: wallets.get(user.id),
          editable: actor.staff || actor.id === user.id,
        }))
        return page(ctx, 'users/list', { title: 'Users', users, rows, perPage })
      })

      // Staff create a user from the pages (guarded like the edit form: authorize first, then
      // validate); the user signs in with the password given here.
      r.get(
        '/users/new',
        { name: 'users.new', summary: 'The new-user form (staff)' },
        async (ctx) => {
          try {
            assertStaff(ctx)
            return await newUserPage(ctx, { values: { level: 'basic', type: 'member' } })
          } catch (err) {
            return failurePage(ctx, err)
          }
        },
      )

      r.post(
        '/users',
        { name: 'users.create', summary: 'Saves the new-user form' },
        async (ctx) => {
          try {
            assertStaff(ctx)
            const form = formOf(ctx.body)
            const fields = ['name', 'email', 'level', 'type'] as const
            const values = Object.fromEntries(fields.map((f) => [f, text(form[f])]))
            const parsed = NewUserForm.safeParse(form)
            if (!parsed.success)
              return await newUserPage(ctx, { values, errors: zodErrors(parsed.error) }, 422)
            const { password, ...user } = parsed.data
            try {
              const passwordHash = await passwords.hash(password)
              await ctx.services.user.create({ ...user, passwordHash })
            } catch (err) {
              if (MegaError.is(err, 'CRUD_EMAIL_TAKEN'))
                return await newUserPage(ctx, { values, errors: { email: err.message } }, 409)
              if (!MegaError.is(err, 'MEGA_VALIDATION_FAILED')) throw err
              return await newUserPage(ctx, { values, errors: serviceErrors(err) }, 422)
            }
            ctx.session.set('flash', `Created ${user.name}.`)
            return redirect(ctx, HOME)
          } catch (err) {
            return failurePage(ctx, err)
          }
        },
      )

      // Authorize, then read or validate: someone else's id is a 403 page whatever the form holds
      // (and whether that user exists), never their edit form.
      r.get('/users/:id/edit', { name: 'users.edit', summary: 'The edit form' }, async (ctx) => {
        try {
          const id = idOf(ctx)
          ctx.services.user.assertCanManage(ctx.auth.userOrFail(), id)
          const user = await ctx.services.user.get(id)
          const values = { name: user.name, level: user.level.code, type: user.type.code }
          return await editPage(ctx, user, { values })
        } catch (err) {
          return failurePage(ctx, err)
        }
      })

      r.post(
        '/users/:id',
        { name: 'users.update', summary: 'Saves the edit form' },
        async (ctx) => {
          try {
            const id = idOf(ctx)
            ctx.services.user.assertCanManage(ctx.auth.userOrFail(), id)
            const form = formOf(ctx.body)
            const values = { name: text(form.name), level: text(form.level), type: text(form.type) }
            const parsed = EditForm.safeParse(form)
            if (!parsed.success) {
              const user = await ctx.services.user.get(id)
              return await editPage(ctx, user, { values, errors: zodErrors(parsed.error) }, 422)
            }
            try {
              await ctx.services.user.update(ctx.auth.userOrFail(), id, parsed.data)
            } catch (err) {
              if (!MegaError.is(err, 'MEGA_VALIDATION_FAILED')) throw err
              // An unknown level or type code: the service names the field as body.<field>.
              const errors = serviceErrors(err)
              return await editPage(ctx, await ctx.services.user.get(id), { values, errors }, 422)
            }
            ctx.session.set('flash', 'Saved.')
            return redirect(ctx, HOME)
          } catch (err) {
            return failurePage(ctx, err)
          }
        },
      )
    })
  })
})
