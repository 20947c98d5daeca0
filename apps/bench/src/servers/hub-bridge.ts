// One app process linked to the bench hub (a bridge): `ws({ hub })` with the history shared in Redis,
// and a room channel whose `say` is broadcast to the room, as a chat would. Stops cleanly on SIGTERM.
import { z } from 'zod'
import { AdapterManager, DriverRegistry, createApp, defineRoutes } from '@mega/core'
import { megaDrivers } from '@mega/db'
import { defineChannel, ws } from '@mega/ws'
import { HUB_TOKEN, ROOM_PATH, SAID_TYPE, SAY_TYPE } from './hub-payload.js'
import { announce, argValue } from './server-ipc.js'

const app = argValue('app', 'hubbench')
const manager = new AdapterManager({ registry: new DriverRegistry([...megaDrivers]), app })
await manager.connectAll({
  cache: { driver: 'redis', url: argValue('redis', 'redis://127.0.0.1:6379') },
})

const RoomChannel = defineChannel({
  messages: { [SAY_TYPE]: z.object({ from: z.number().int(), seq: z.number().int() }) },
  handlers: {
    [SAY_TYPE]: async (payload, ctx) => {
      await ctx.presence.broadcast(SAID_TYPE, payload, { except: ctx.connId })
      return { ok: true }
    },
  },
})

const routes = defineRoutes((r) => {
  r.ws(ROOM_PATH, RoomChannel, { history: { size: 2000, ttlMs: 120_000 } })
})

const server = createApp({
  name: app,
  adapters: manager.adapters,
  routes,
  plugins: [
    ws({
      hub: {
        url: argValue('hub', 'ws://127.0.0.1:7070/hub'),
        token: HUB_TOKEN,
        instanceId: argValue('instance', 'bridge'),
        history: 'cache',
      },
    }),
  ],
})
process.once('SIGTERM', () => {
  void server
    .close()
    .then(() => manager.disconnectAll())
    .then(() => process.exit(0))
})
announce(await server.listen({ port: Number(argValue('port', '0')) }))
