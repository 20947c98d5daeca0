// Type tests: checked by `tsc -p tsconfig.json` (pnpm typecheck / pnpm check). A wrong inference fails CI.
import { expectTypeOf } from 'vitest'
import type { FastifyReply, FastifyRequest } from 'fastify'
import {
  defineContextFeature,
  defineRoutes,
  type ContextFeature,
  type MegaSession,
  type RequestContext,
  type UploadedFile,
} from '../src/index.js'
import { presenceFeature, type Presence } from './fixtures/presence-package.js'

// A feature declared only here, by declaration merging, like any package would.
declare module '../src/index.js' {
  interface MegaContextFeatures {
    tenant: { readonly id: number }
  }
}

declare const request: FastifyRequest
const tenant = defineContextFeature('tenant', { plugin: 'tenancy', hint: 'add tenancy().' })
expectTypeOf(tenant).toEqualTypeOf<ContextFeature<'tenant'>>()
tenant.set(request, { id: 1 })
// @ts-expect-error -- the value must have the declared type
tenant.set(request, { id: 'one' })
// @ts-expect-error -- a feature must be declared in MegaContextFeatures first
defineContextFeature('undeclared', { plugin: 'x', hint: 'add x().' })
expectTypeOf(presenceFeature.name).toEqualTypeOf<'presence'>()

defineRoutes((r) => {
  r.get('/typed', (ctx) => {
    // The augmentation types ctx.<name> on every context...
    expectTypeOf(ctx.presence).toEqualTypeOf<Presence>()
    expectTypeOf(ctx.tenant.id).toEqualTypeOf<number>()
    // ...and core's own features are declared the same way.
    expectTypeOf(ctx.session).toEqualTypeOf<MegaSession>()
    expectTypeOf(ctx.locale).toEqualTypeOf<string>()
    expectTypeOf(ctx.t('greeting')).toEqualTypeOf<string>()
    expectTypeOf(ctx.render('x')).toEqualTypeOf<Promise<FastifyReply>>()
    expectTypeOf(ctx.file('avatar')).toEqualTypeOf<Promise<UploadedFile | undefined>>()
    expectTypeOf(ctx.files()).toEqualTypeOf<Promise<UploadedFile[]>>()
    // @ts-expect-error -- not declared by anyone
    void ctx.notAFeature
    // @ts-expect-error -- features are read-only on ctx
    ctx.presence = {} as Presence
    return null
  })
})

expectTypeOf<RequestContext['presence']>().toEqualTypeOf<Presence>()
