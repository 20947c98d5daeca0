/** The slice of a WebSocket (browser or `ws`) the client uses. */
export interface SocketLike {
  readonly readyState: number
  readonly protocol: string
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { readonly data: unknown }) => void) | null
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null
  onerror: ((event: unknown) => void) | null
}

/** `WebSocket.OPEN`. */
export const SOCKET_OPEN = 1

const ignore = (): void => undefined

/**
 * Silences a socket left behind (dead link, user close): it reports nothing more. The handlers become
 * no-ops rather than `null`, because an `error` with no listener throws in Node's `ws`.
 */
export function detach(socket: SocketLike): void {
  socket.onopen = ignore
  socket.onmessage = ignore
  socket.onclose = ignore
  socket.onerror = ignore
}
