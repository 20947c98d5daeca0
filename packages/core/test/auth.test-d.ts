// Type tests: checked by `tsc -p tsconfig.json` (pnpm typecheck / pnpm check). A wrong inference fails CI.
import { expectTypeOf } from 'vitest'
import {
  auth,
  defineRoutes,
  login,
  requireRole,
  requireUser,
  type AccessTokenRecord,
  type AuthVia,
  type BeforeHook,
  type MegaAuth,
  type MegaAuthUser,
  type RequestContext,
} from '../src/index.js'

// The app declares its user once, by declaration merging, as it declares MegaServices.
declare module '../src/index.js' {
  interface MegaAuthUser {
    id: number
    email: string
    roles: string[]
  }
}

declare const ctx: RequestContext
expectTypeOf(ctx.auth).toEqualTypeOf<MegaAuth>()
expectTypeOf(ctx.auth.user).toEqualTypeOf<MegaAuthUser | undefined>()
expectTypeOf(ctx.auth.userOrFail().email).toEqualTypeOf<string>()
expectTypeOf(ctx.auth.userOrFail().id).toEqualTypeOf<number>()
expectTypeOf(ctx.auth.check()).toEqualTypeOf<Promise<boolean>>()
expectTypeOf(ctx.auth.via).toEqualTypeOf<AuthVia | undefined>()
expectTypeOf(ctx.auth.token).toEqualTypeOf<AccessTokenRecord | undefined>()
// The raw identity of hooks stays unknown: the typed user is ctx.auth.user.
expectTypeOf(ctx.identity).toEqualTypeOf<unknown>()

// ctx.auth is readonly: a feature, not a field to assign.
declare const other: MegaAuth
// @ts-expect-error -- ctx.auth cannot be replaced
ctx.auth = other

// Guards are before hooks.
expectTypeOf(requireUser()).toEqualTypeOf<BeforeHook>()
expectTypeOf(requireRole('staff', 'admin')).toEqualTypeOf<BeforeHook>()

// resolveUser must give the declared user (or undefined).
auth({ resolveUser: (id) => ({ id: Number(id), email: 'a@b.c', roles: [] }) })
auth({ resolveUser: () => Promise.resolve(undefined) })
// @ts-expect-error -- a user without the declared fields
auth({ resolveUser: () => ({ id: 1 }) })

// login takes the declared user.
// @ts-expect-error -- not a user
login(ctx, { name: 'x' })

defineRoutes((r) => {
  r.get('/me', { before: [requireUser()] }, (ctx) => {
    expectTypeOf(ctx.auth.userOrFail()).toEqualTypeOf<MegaAuthUser>()
    return ctx.auth.userOrFail().email
  })
})
