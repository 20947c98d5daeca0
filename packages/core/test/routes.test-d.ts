// Type tests: checked by `tsc -p tsconfig.json` (pnpm typecheck / pnpm check). A wrong inference fails CI.
import { expectTypeOf } from 'vitest'
import { z } from 'zod'
import { defineRoutes, type RequestContext } from '../src/index.js'

defineRoutes((r) => {
  r.post(
    '/users/:id',
    {
      schema: {
        params: z.object({ id: z.coerce.number() }),
        query: z.object({ verbose: z.coerce.boolean().default(false) }),
        body: z.object({ name: z.string(), tags: z.array(z.string()).optional() }),
        response: z.object({ id: z.number(), name: z.string() }),
      },
    },
    (ctx) => {
      expectTypeOf(ctx.params.id).toEqualTypeOf<number>()
      expectTypeOf(ctx.query.verbose).toEqualTypeOf<boolean>()
      expectTypeOf(ctx.body).toEqualTypeOf<{ name: string; tags?: string[] | undefined }>()
      expectTypeOf(ctx.requestId).toEqualTypeOf<string>()
      // @ts-expect-error -- not in the body schema
      void ctx.body.email
      return { id: ctx.params.id, name: ctx.body.name }
    },
  )

  // The handler must return what the response schema accepts.
  r.get('/bad', { schema: { response: z.object({ id: z.number() }) } }, () => ({
    // @ts-expect-error -- id must be a number
    id: 'not a number',
  }))

  r.get('/untyped', (ctx) => {
    expectTypeOf(ctx.params).toEqualTypeOf<Readonly<Record<string, string>>>()
    expectTypeOf(ctx.body).toEqualTypeOf<unknown>()
    expectTypeOf(ctx).toExtend<RequestContext>()
    return null
  })
})

// authorize: the handler's context before validation (raw params), answering a boolean.
defineRoutes((r) => {
  r.group({ prefix: '/admin', authorize: (ctx) => ctx.identity !== undefined }, (g) => {
    g.get(
      '/logs/:id',
      {
        schema: { params: z.object({ id: z.coerce.number() }) },
        authorize: async (ctx) => {
          expectTypeOf(ctx).toEqualTypeOf<RequestContext>()
          expectTypeOf(ctx.params).toEqualTypeOf<Readonly<Record<string, string>>>()
          return Promise.resolve(ctx.params.id !== '0')
        },
      },
      (ctx) => ctx.params.id,
    )
  })
  // @ts-expect-error -- authorize answers a boolean, not an identity
  r.group({ authorize: () => ({ user: 1 }) }, () => undefined)
  r.resource('notes', {}, { authorize: () => true })
})
