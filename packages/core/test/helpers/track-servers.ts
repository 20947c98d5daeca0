import { afterEach } from 'vitest'
import type { MegaServer } from '../../src/index.js'

/** Returns `track(server)`: every tracked server is closed after each test of the calling file. */
export function trackServers(): (server: MegaServer) => MegaServer {
  const servers: MegaServer[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()))
  })
  return (server) => {
    servers.push(server)
    return server
  }
}
