import { createServer, get, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startTcpBalancer, type TcpBalancer } from '../src/tcp-balancer.js'

const servers: Server[] = []
const sockets: Socket[] = []
let balancer: TcpBalancer | undefined

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  await balancer?.close()
  balancer = undefined
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections()
      return new Promise((resolve) => s.close(resolve))
    }),
  )
})

/** A backend answering its own port, to plain requests and (after a 101) to upgrades. */
async function backend(): Promise<number> {
  const server = createServer((_req, res) => res.end(String(port())))
  const port = () => (server.address() as AddressInfo).port
  server.on('upgrade', (_req, socket: Socket) => {
    sockets.push(socket)
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n${port()}`)
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return port()
}

/** A plain GET on a connection of its own (no keep-alive reuse): the backend's port. */
function plain(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve(Number(body)))
    }).on('error', reject)
  })
}

/** An upgrade request, kept open: resolves the port of the backend that switched protocols. */
function upgrade(url: string): Promise<number> {
  const { port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1')
    sockets.push(socket)
    socket.on('error', reject)
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n')
    socket.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().split('\r\n\r\n')[1])))
  })
}

describe('startTcpBalancer', () => {
  it('spreads plain connections round-robin and WebSockets to the least loaded backend', async () => {
    const [a, b] = [await backend(), await backend()]
    balancer = await startTcpBalancer([a, b])
    expect([await plain(balancer.url), await plain(balancer.url)]).toEqual([a, b])
    expect(await upgrade(balancer.url)).toBe(a)
    expect(await upgrade(balancer.url)).toBe(b)
    expect(balancer.openWebSockets().sort()).toEqual([a, b].sort())
  })

  it('sends new connections only to the backends left after setBackends', async () => {
    const [a, b] = [await backend(), await backend()]
    balancer = await startTcpBalancer([a, b])
    expect(await upgrade(balancer.url)).toBe(a)
    balancer.setBackends([a])
    expect(await upgrade(balancer.url)).toBe(a)
    expect([await plain(balancer.url), await plain(balancer.url)]).toEqual([a, a])
    balancer.setBackends([])
    await expect(plain(balancer.url)).rejects.toThrow()
  })
})
