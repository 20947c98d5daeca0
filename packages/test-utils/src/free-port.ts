import { createServer, type AddressInfo } from 'node:net'

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (the OS picked it for a listener that is closed
 * again), for a private server a test starts on a port it must know before it starts.
 */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}
