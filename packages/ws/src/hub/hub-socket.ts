import WebSocket from 'ws'

/** How long a clean close waits for the hub's answer before cutting the socket. */
const CLOSE_WAIT_MS = 1_000

/**
 * Closes a socket with `code` and waits (briefly) for the other side's answer, then cuts it; a
 * socket that is not open is cut at once.
 */
export async function closeSocket(socket: WebSocket, code: number, reason: string): Promise<void> {
  if (socket.readyState !== WebSocket.OPEN) return socket.terminate()
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  socket.close(code, reason)
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([closed, new Promise<void>((r) => (timer = setTimeout(r, CLOSE_WAIT_MS)))])
  clearTimeout(timer)
  socket.terminate()
}

/** A received frame's text (the `ws` library hands a Buffer, an ArrayBuffer or Buffer fragments). */
export function frameText(data: WebSocket.RawData): string {
  const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
  return raw.toString('utf8')
}
