// Mega, as its users write a broadcast: createApp + the ws() plugin + a channel, through presence.
import { z } from 'zod'
import { createApp, defineRoutes } from '@mega/core'
import { defineChannel, ws } from '@mega/ws'
import { FANOUT_PATH, PUBLISH_TYPE, TICK_TYPE } from './fanout-payload.js'
import { announce, argValue } from './server-ipc.js'

const FanoutChannel = defineChannel({
  messages: {
    [PUBLISH_TYPE]: z.object({ seq: z.number().int(), t: z.number(), text: z.string().max(200) }),
  },
  handlers: {
    [PUBLISH_TYPE]: async (payload, ctx) => {
      await ctx.presence.broadcast(TICK_TYPE, payload, { except: ctx.connId })
    },
  },
})

const routes = defineRoutes((r) => {
  r.ws(FANOUT_PATH, FanoutChannel)
})

announce(
  await createApp({ routes, plugins: [ws()] }).listen({ port: Number(argValue('port', '0')) }),
)
