// Cold-start entry, Mega: the same routes as cold-fastify.ts, declared with zod, on --port.
import { z } from 'zod'
import { createApp, defineRoutes } from '@mega/core'
import { argValue } from './server-ipc.js'

const count = Number(argValue('routes', '1'))
// --shared-schemas: every route reuses one zod schema per kind (diagnostic: Ajv's cache).
const shared = process.argv.includes('--shared-schemas')
const sharedParams = z.object({ id: z.coerce.number().int() })
const user = z.object({
  name: z.string().min(2).max(100),
  email: z.email(),
  age: z.number().int().min(0).max(150),
  role: z.enum(['user', 'admin']),
  tags: z.array(z.string().max(30)).max(10).optional(),
})

const routes = defineRoutes((r) => {
  r.get('/', () => ({ hello: 'world' }))
  for (let i = 1; i < count; i++) {
    if (i % 2 === 1) {
      const params = shared
        ? sharedParams
        : z.object({ id: z.coerce.number().int(), [`part${i}`]: z.string().optional() })
      r.get(`/items${i}/:id`, { schema: { params } }, (ctx) => ctx.params)
    } else {
      const body = shared ? user : user.extend({ [`note${i}`]: z.string().max(200).optional() })
      r.post(`/items${i}`, { schema: { body } }, (ctx) => ctx.body)
    }
  }
})
await createApp({ routes }).listen({ port: Number(argValue('port', '0')) })
// --exit: stop once listening (to profile the start: node --cpu-prof ... --exit)
if (process.argv.includes('--exit')) process.exit(0)
