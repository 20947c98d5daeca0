import { z } from 'zod'
import { defineRoutes, type BeforeHook } from '@mega/core'
import { actorOf, requireUser } from '../http/auth-guard.js'
import { staffOnly } from '../lib/crud-errors.js'

const requireStaff: BeforeHook = (ctx) => {
  if (!actorOf(ctx).staff) throw staffOnly('read the admin routes')
}

const PartitionOut = z.object({
  storage: z.enum(['partitions', 'rows', 'missing']),
  partitions: z.array(z.object({ name: z.string(), from: z.date(), to: z.date() })),
})

export default defineRoutes((r) => {
  r.group({ prefix: '/admin', namePrefix: 'admin.', before: [requireUser, requireStaff] }, (r) => {
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
