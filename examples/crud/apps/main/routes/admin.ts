import { z } from 'zod'
import { defineRoutes, type AuthorizeHook } from '@mega/core'
import { apiUser } from '../http/auth-guards.js'
import { staffOnly } from '../lib/crud-errors.js'

// Declarative: checked after the bearer guard and before any input is validated (authorize, then
// validate). Throwing keeps the example's own code (CRUD_STAFF_ONLY) instead of MEGA_FORBIDDEN.
const staff: AuthorizeHook = (ctx) => {
  if (!ctx.auth.userOrFail().staff) throw staffOnly('read the admin routes')
  return true
}

const PartitionOut = z.object({
  storage: z.enum(['partitions', 'rows', 'missing']),
  partitions: z.array(z.object({ name: z.string(), from: z.date(), to: z.date() })),
})

export default defineRoutes((r) => {
  r.group({ prefix: '/admin', namePrefix: 'admin.', before: [apiUser], authorize: staff }, (r) => {
    r.get(
      '/log-partitions',
      {
        name: 'logPartitions',
        summary: 'The monthly partitions of logs',
        schema: { response: PartitionOut },
      },
      (ctx) => ctx.services.logPartition.list(),
    )
  })
})
