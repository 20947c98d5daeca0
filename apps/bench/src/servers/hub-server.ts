// The bench's hub: MegaWsHub of @mega/ws-hub in its own process, with its admin API on.
import { MegaWsHub } from '@mega/ws-hub'
import { HUB_ADMIN_TOKEN, HUB_TOKEN } from './hub-payload.js'
import { announce, argValue } from './server-ipc.js'

const hub = new MegaWsHub({
  tokens: [HUB_TOKEN],
  adminToken: HUB_ADMIN_TOKEN,
  host: '127.0.0.1',
  port: Number(argValue('port', '0')),
  logger: false,
})
process.once('SIGTERM', () => void hub.close().then(() => process.exit(0)))
announce(await hub.start())
