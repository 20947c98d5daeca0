// A Mega app: createApp + defineRoutes, the same schema in zod, the success envelope.
import { z } from 'zod'
import { createApp, defineRoutes } from '@mega/core'
import { announce, argValue } from './server-ipc.js'

const userBody = z.object({
  name: z.string().min(2).max(100),
  email: z.email(),
  age: z.number().int().min(0).max(150),
  role: z.enum(['user', 'admin']),
  tags: z.array(z.string().max(30)).max(10).optional(),
})
const user = userBody.extend({ id: z.number().int() })
let nextId = 0

const routes = defineRoutes((r) => {
  r.get('/', () => ({ hello: 'world' }))
  r.post('/users', { schema: { body: userBody, response: user }, status: 201 }, (ctx) => ({
    id: ++nextId,
    ...ctx.body,
  }))
})

announce(await createApp({ routes }).listen({ port: Number(argValue('port', '0')) }))
