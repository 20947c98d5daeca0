import { connect, createServer, type AddressInfo, type Socket } from 'node:net'

/** A load balancer in front of several servers, started by {@link startTcpBalancer}. */
export interface TcpBalancer {
  /** `http://127.0.0.1:<port>`: what a browser opens instead of any one server. */
  readonly url: string
  /** The ports new connections may go to, in order; connections already open stay where they are. */
  setBackends(ports: readonly number[]): void
  /** The backend port of each WebSocket connection open now. */
  openWebSockets(): number[]
  /** Stops listening and cuts every connection still open. */
  close(): Promise<void>
}

const UPGRADE_RE = /^upgrade:\s*websocket\s*$/im

/**
 * A TCP balancer on 127.0.0.1 (port 0), as a deployment puts in front of an app's processes: each
 * new connection is piped to one of the backends, untouched (the `Host` and `Origin` stay the
 * balancer's, as behind a real one). Plain HTTP connections go round-robin; a WebSocket upgrade
 * (read from the connection's first bytes) goes to the backend with the fewest open WebSockets, so
 * two sockets opened one after the other land on two processes. Taking a backend out of
 * `setBackends` is what a deployment does before it drains a process.
 */
export async function startTcpBalancer(initial: readonly number[]): Promise<TcpBalancer> {
  let backends = [...initial]
  let turn = 0
  const sockets = new Set<Socket>()
  const webSockets = new Map<Socket, number>()

  const pick = (upgrade: boolean): number | undefined => {
    if (backends.length === 0) return undefined
    if (!upgrade) return backends[turn++ % backends.length]
    const open = (port: number) => [...webSockets.values()].filter((p) => p === port).length
    return [...backends].sort((a, b) => open(a) - open(b))[0]
  }

  const server = createServer((client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => client.destroy())
    client.once('data', (first: Buffer) => {
      client.pause()
      const upgrade = UPGRADE_RE.test(first.toString('latin1'))
      const port = pick(upgrade)
      if (port === undefined) return void client.destroy()
      const upstream = connect(port, '127.0.0.1')
      sockets.add(upstream)
      if (upgrade) webSockets.set(client, port)
      const end = () => {
        webSockets.delete(client)
        sockets.delete(upstream)
        client.destroy()
        upstream.destroy()
      }
      upstream.on('error', end)
      upstream.on('close', end)
      client.on('close', end)
      upstream.write(first)
      client.pipe(upstream)
      upstream.pipe(client)
      client.resume()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    setBackends: (ports) => void (backends = [...ports]),
    openWebSockets: () => [...webSockets.values()],
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
