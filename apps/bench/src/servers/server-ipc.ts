// What every server entry shares: telling the harness where it listens, and never outliving it.

/** The message a server process sends its parent once it listens. */
export interface ReadyMessage {
  readonly type: 'ready'
  readonly url: string
}

/** The server's answer to `{ type: 'cpu' }`: its CPU time so far (user + system, µs). */
export interface CpuMessage {
  readonly type: 'cpu'
  readonly micros: number
}

/**
 * The server's answer to `{ type: 'heap' }`: `heapUsed` in bytes, measured after a full GC when the
 * process runs with `--expose-gc` (`gc: true`), as is without it.
 */
export interface HeapMessage {
  readonly type: 'heap'
  readonly heapUsed: number
  readonly gc: boolean
}

/** What a server process answers over IPC. */
export type ServerMessage = ReadyMessage | CpuMessage | HeapMessage

/** The collector of `--expose-gc`, when the process was started with it. */
function exposedGc(): (() => void) | undefined {
  const gc: unknown = (globalThis as { gc?: unknown }).gc
  return typeof gc === 'function' ? (gc as () => void) : undefined
}

/** `heapUsed` after full collections (twice: the first one's finalizers free more for the second). */
function measureHeap(): HeapMessage {
  const gc = exposedGc()
  gc?.()
  gc?.()
  return { type: 'heap', heapUsed: process.memoryUsage().heapUsed, gc: gc !== undefined }
}

/**
 * Sends the URL to the parent and exits when the parent goes away (no orphaned servers). Started by
 * hand (no IPC channel, e.g. to profile it), the server prints its URL and stops on SIGINT/SIGTERM.
 */
export function announce(url: string): void {
  if (process.send === undefined) {
    console.log(url)
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0))
    return
  }
  process.once('disconnect', () => process.exit(0))
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'heap') process.send?.(measureHeap())
    if (message.type !== 'cpu') return
    const { user, system } = process.cpuUsage()
    process.send?.({ type: 'cpu', micros: user + system } satisfies CpuMessage)
  })
  process.send({ type: 'ready', url } satisfies ReadyMessage)
}

/** The value of `--name <value>` in this process's arguments. */
export function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : (process.argv[i + 1] ?? fallback)
}
