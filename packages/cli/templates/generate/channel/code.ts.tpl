import { z } from 'zod'
import { defineChannel } from '@mega/ws'

/**
 * The `{{name}}` channel: a new instance serves each WebSocket of `r.ws('/{{name}}', {{Name}}Channel)`.
 * A message type is a zod schema in `messages` and a handler in `handlers`; what a handler returns is
 * the reply to a message sent with an `id`.
 */
export const {{Name}}Channel = defineChannel({
  name: '{{Name}}Channel', // shown by `mega routes`
  messages: {
    '{{name}}.say': z.object({ text: z.string().min(1).max(1000) }),
  },
  handlers: {
    // Sends `{{name}}.said` to every connection of this namespace; answers how many got it.
    '{{name}}.say': async ({ text }, ctx) => ({
      sent: await ctx.presence.broadcast('{{name}}.said', { text }),
    }),
  },
})
