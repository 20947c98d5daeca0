import {
  WS_CLIENT_EVENTS,
  type WsClientEventName,
  type WsClientEvents,
  type WsClientState,
} from './client-events.js'
import { MegaWsClientError, wsClientError, type WsClientErrorCode } from './errors.js'
import { Emitter } from './internal/emitter.js'
import { Liveness } from './internal/liveness.js'
import { PendingRequests } from './internal/pending-requests.js'
import { ResumeState } from './internal/resume-state.js'
import { SendBuffer } from './internal/send-buffer.js'
import { detach, SOCKET_OPEN, type SocketLike } from './internal/socket.js'
import { generateClientId } from './internal/ulid.js'
import { backoffDelay, resolveWsClientConfig, type ResolvedWsClientConfig } from './options.js'
import type { WsClientConfig } from './options.js'
import { envelopeProblem, parseEnvelope, type WsClientMessage } from './protocol/envelope.js'
import { protocolName, versionOf, WS_CLIENT_CLOSE_CODES, WS_CLIENT_TYPES } from './protocol/wire.js'
import { routeIncoming, type HeldBroadcast } from './incoming.js'
import type {
  WsClientHandler,
  WsClientRequestOptions,
  WsClientSendOptions,
} from './client-types.js'

const CODES = WS_CLIENT_CLOSE_CODES

/**
 * The client of Mega's WebSocket protocol, for browsers and Node: requests matched to their replies,
 * reconnect with backoff and jitter, a 4503 reroute to the next url, and a resume after a reconnect
 * that replays what was missed. `In` maps the message types the server sends to their payloads.
 *
 * @example
 * const client = new MegaWsClient<{ 'note.created': { id: number; title: string } }>({
 *   url: 'wss://example.com/boards/12/live',
 * })
 * client.on('note.created', (note) => console.log(note.title))
 * await client.connect()
 * const { id } = await client.request<{ id: number }>('note.create', { title: 'Milk' })
 */
export class MegaWsClient<In extends object = Record<string, unknown>> {
  readonly #config: ResolvedWsClientConfig
  readonly #events = new Emitter<WsClientEvents>((err) => this.#reportListenerError(err))
  readonly #handlers = new Emitter<Record<string, WsClientMessage>>((err) =>
    this.#reportListenerError(err),
  )
  // A request that times out in the send buffer leaves it (the buffer is made in the constructor).
  readonly #pending = new PendingRequests((id) => this.#buffer.remove(id))
  readonly #buffer: SendBuffer
  readonly #resume = new ResumeState()
  #state: WsClientState = 'idle'
  #socket: SocketLike | undefined
  #liveness: Liveness | undefined
  #urlIndex = 0
  #attempt = 0
  #opens = 0
  #version: number | undefined
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined
  #outbound: Promise<void> = Promise.resolve()
  #inbound: Promise<void> = Promise.resolve()
  #reporting = false
  #waiters: { resolve: () => void; reject: (err: MegaWsClientError) => void }[] = []

  /** Checks the options (a bad one throws `MEGA_WSC_OPTIONS_INVALID` listing every problem). */
  constructor(config: WsClientConfig) {
    this.#config = resolveWsClientConfig(config)
    this.#buffer = new SendBuffer(this.#config.sendBuffer.max)
    if (this.#ctor() === undefined)
      throw wsClientError(
        'MEGA_WSC_NO_WEBSOCKET',
        'No WebSocket class: this runtime has no globalThis.WebSocket (Node 20): pass `WebSocket` from the `ws` package.',
      )
  }

  /** Where the client is now. */
  get state(): WsClientState {
    return this.#state
  }

  /** The envelope version negotiated on the open socket; `undefined` while not open. */
  get version(): number | undefined {
    return this.#state === 'open' ? this.#version : undefined
  }

  /** The url in use (or next to use). */
  get url(): string {
    return this.#config.urls[this.#urlIndex] ?? ''
  }

  /**
   * Opens the socket (once; later calls wait like {@link opened}). Resolves when it is open; rejects
   * with `MEGA_WSC_CLOSED` when the client closes for good first (kicked, attempts used up, `close()`).
   */
  connect(): Promise<void> {
    if (this.#state === 'idle') this.#open()
    return this.opened()
  }

  /** Resolves when the socket is open (at once if it is); rejects if the client closes for good first. */
  opened(): Promise<void> {
    if (this.#state === 'open') return Promise.resolve()
    if (this.#state === 'closed') return Promise.reject(this.#closedError('the client is closed'))
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }))
  }

  /**
   * Sends a message without waiting for an answer; returns its id. While the client is connecting
   * or reconnecting the message waits in the send buffer and goes out, in order, once the socket
   * opens (`MEGA_WSC_BUFFER_FULL` when `sendBuffer.max` are waiting). Throws `MEGA_WSC_NOT_OPEN`
   * before `connect()`, after a final close, and while reconnecting when `sendBuffer.max` is `0`.
   */
  send(type: string, data?: unknown, options: WsClientSendOptions = {}): string {
    const id = generateClientId()
    this.#write(type, id, data, options.ns, false)
    return id
  }

  /**
   * Sends a message and resolves with the `data` of the server's `mega.reply` to it. Rejects with the
   * server's code when it answers `mega.error`, `MEGA_WSC_TIMEOUT` after `timeoutMs`, and
   * `MEGA_WSC_CLOSED` when the socket closes first (never left hanging). Buffered like
   * {@link send} while (re)connecting; its timeout runs from the call, buffered or not.
   */
  request<R = unknown>(
    type: string,
    data?: unknown,
    options: WsClientRequestOptions = {},
  ): Promise<R> {
    const timeoutMs = options.timeoutMs ?? this.#config.requestTimeoutMs
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0)
      return Promise.reject(
        wsClientError(
          'MEGA_WSC_OPTIONS_INVALID',
          'request(): timeoutMs must be a whole number of ms above 0.',
        ),
      )
    const id = generateClientId()
    let held: boolean
    try {
      held = this.#write(type, id, data, options.ns, true)
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)))
    }
    return this.#pending.add(id, type, timeoutMs, held) as Promise<R>
  }

  /** Calls `handler` for every message of `type`; returns the function that removes it. */
  on<K extends keyof In & string>(type: K, handler: WsClientHandler<In[K]>): () => void
  on(type: string, handler: WsClientHandler<unknown>): () => void
  on(type: string, handler: WsClientHandler<unknown>): () => void {
    const problem = envelopeProblem(type, undefined)
    if (problem !== undefined) throw wsClientError('MEGA_WSC_INVALID_MESSAGE', `on(): ${problem}.`)
    const listener = (message: WsClientMessage): void => handler(message.data, message)
    return this.#handlers.on(type, listener)
  }

  /** Listens to a client event (see {@link WS_CLIENT_EVENTS}); returns the function that removes it. */
  onEvent<K extends WsClientEventName>(
    name: K,
    listener: (event: WsClientEvents[K]) => void,
  ): () => void {
    if (!(WS_CLIENT_EVENTS as readonly string[]).includes(name))
      throw wsClientError(
        'MEGA_WSC_UNKNOWN_EVENT',
        `No client event "${String(name)}": use one of ${WS_CLIENT_EVENTS.join(', ')} (message types go to on()).`,
      )
    return this.#events.on(name, listener)
  }

  /**
   * Closes for good (no reconnect): pending requests, buffered ones included, are rejected with
   * `MEGA_WSC_CLOSED`; buffered sends are dropped and reported in one `MEGA_WSC_UNSENT` error event.
   */
  close(code: number = CODES.normal, reason = 'client closed'): void {
    if (this.#state === 'closed') return
    const socket = this.#socket
    this.#dropSocket()
    if (socket !== undefined) {
      detach(socket)
      try {
        socket.close(code, reason)
      } catch {
        socket.close()
      }
    }
    this.#finish(code, reason, 'the client was closed')
  }

  #ctor(): (new (url: string, protocols?: string | string[]) => object) | undefined {
    return this.#config.WebSocket ?? (globalThis as { WebSocket?: WsCtor }).WebSocket
  }

  #open(): void {
    const url = this.url
    this.#state = this.#opens === 0 ? 'connecting' : this.#state
    this.#events.emit('connecting', { url, attempt: this.#attempt })
    const suffix = this.#config.codec?.protocolSuffix ?? ''
    const protocols = this.#config.versions.map((v) => protocolName(v, suffix))
    let socket: SocketLike
    try {
      socket = new (this.#ctor() as WsCtor)(url, protocols) as SocketLike
    } catch (err) {
      // A url the WebSocket class refuses: no socket, so no close event. Decide as for a failed link.
      this.#error(
        'MEGA_WSC_OPTIONS_INVALID',
        `WebSocket refused ${url}: ${(err as Error).message}`,
        err,
      )
      return this.#closed(CODES.abnormal, 'could not open', false)
    }
    this.#socket = socket
    let opened = false
    socket.onopen = () => {
      opened = true
      this.#opened(socket)
    }
    socket.onmessage = (event) => this.#frame(event.data)
    socket.onerror = () => undefined // the close that follows says what happened
    socket.onclose = (event) => {
      if (this.#socket !== socket) return
      this.#closed(event.code, event.reason, opened)
    }
  }

  #opened(socket: SocketLike): void {
    const version = versionOf(socket.protocol.replace(this.#config.codec?.protocolSuffix ?? '', ''))
    if (version === undefined || !this.#config.versions.includes(version)) {
      this.#error(
        'MEGA_WSC_PROTOCOL_MISMATCH',
        `The server answered "${socket.protocol}", which was not offered: closing.`,
      )
      this.close(CODES.normal, 'protocol mismatch')
      return
    }
    this.#version = version
    this.#state = 'open'
    this.#attempt = 0
    const reconnected = this.#opens++ > 0
    this.#liveness = new Liveness(this.#config.pingIntervalMs, this.#config.idleTimeoutMs, {
      ping: () => this.#tryWrite(WS_CLIENT_TYPES.ping, generateClientId()),
      dead: () => this.#dead(socket),
    })
    // The resume goes first (the server replays from where the client was), then what was buffered,
    // in order, then whatever the open listeners and connect() awaiters send.
    if (reconnected && this.#config.resume) this.#sendResume()
    this.#flush()
    for (const waiter of this.#waiters.splice(0)) waiter.resolve()
    this.#events.emit('open', { url: this.url, version, protocol: socket.protocol, reconnected })
  }

  #sendResume(): void {
    for (const [ns, position] of this.#resume.positions()) {
      const id = generateClientId()
      this.#resume.holdFrom(ns)
      this.#tryWrite(WS_CLIENT_TYPES.resume, id, position, ns === '' ? undefined : ns)
      this.#pending
        .add(id, WS_CLIENT_TYPES.resume, this.#config.requestTimeoutMs)
        .finally(() => this.#releaseHeld(ns))
        .catch((err: unknown) => {
          // A route without history answers MEGA_WS_NO_HISTORY; a close rejects it: nothing to do.
          if (!MegaWsClientError.is(err, 'MEGA_WSC_CLOSED'))
            this.#events.emit('error', err as MegaWsClientError)
        })
    }
  }

  #frame(data: unknown): void {
    this.#liveness?.saw()
    if (typeof data !== 'string')
      return this.#error(
        'MEGA_WSC_BAD_FRAME',
        'The server sent a binary frame: Mega speaks JSON text frames. Ignored.',
      )
    const codec = this.#config.codec
    if (codec === undefined) return this.#message(data)
    // Decoding may be async: chained, so messages keep their order.
    this.#inbound = this.#inbound.then(async () => {
      let text: string
      try {
        text = await codec.decode(data)
      } catch (err) {
        return this.#error(
          'MEGA_WSC_CODEC_FAILED',
          `A frame could not be decoded: ${(err as Error).message}`,
          err,
        )
      }
      this.#message(text)
    })
  }

  #message(text: string): void {
    const message = parseEnvelope(text)
    if (typeof message === 'string')
      return this.#error('MEGA_WSC_BAD_FRAME', `Ignored a frame from the server: ${message}.`)
    const deliver = routeIncoming(message, {
      pending: this.#pending,
      resume: this.#config.resume ? this.#resume : undefined,
      emit: (name, event) => this.#events.emit(name, event),
    })
    if (deliver) this.#deliver(message)
  }

  #deliver(message: WsClientMessage): void {
    this.#events.emit('message', message)
    this.#handlers.emit(message.type, message)
  }

  #releaseHeld(ns: string): void {
    for (const message of this.#resume.release<HeldBroadcast>(ns))
      if (this.#resume.accept(ns, message.epoch, message.offset)) this.#deliver(message)
  }

  /** Sends the app's message, or buffers it while (re)connecting: `true` when buffered. */
  #write(
    type: string,
    id: string,
    data: unknown,
    ns: string | undefined,
    request: boolean,
  ): boolean {
    const problem = envelopeProblem(type, ns)
    if (problem !== undefined) throw wsClientError('MEGA_WSC_INVALID_MESSAGE', `${problem}.`)
    const state = this.#state
    if (state === 'open') {
      this.#writeText(type, envelopeText(type, id, data, ns))
      return false
    }
    const max = this.#buffer.max
    if (state === 'idle' || state === 'closed' || max === 0)
      throw wsClientError(
        'MEGA_WSC_NOT_OPEN',
        `Cannot send "${type}": the client is ${state}. ${
          state === 'idle'
            ? 'Call client.connect() first.'
            : state === 'closed'
              ? 'A closed client cannot reopen: create a new one.'
              : 'Await client.opened() first (sendBuffer.max is 0: nothing is kept while reconnecting).'
        }`,
      )
    if (!this.#buffer.push({ id, type, text: envelopeText(type, id, data, ns), request }))
      throw wsClientError(
        'MEGA_WSC_BUFFER_FULL',
        `Cannot send "${type}": the client is ${state} and ${max} messages already wait to be sent (sendBuffer.max). Await client.opened() before sending more, or raise sendBuffer.max.`,
      )
    return true
  }

  /** Sends what waited in the buffer, oldest first; its requests now wait for their answer. */
  #flush(): void {
    for (const frame of this.#buffer.drain()) {
      if (frame.request) this.#pending.sent(frame.id)
      this.#writeText(frame.type, frame.text)
    }
  }

  #tryWrite(type: string, id: string, data?: unknown, ns?: string): void {
    if (this.#socket === undefined) return
    this.#writeText(type, envelopeText(type, id, data, ns))
  }

  #writeText(type: string, text: string): void {
    const socket = this.#socket
    if (socket === undefined) return
    const codec = this.#config.codec
    if (codec === undefined) return socket.send(text)
    this.#outbound = this.#outbound.then(async () => {
      try {
        const frame = await codec.encode(text)
        if (this.#socket === socket && socket.readyState === SOCKET_OPEN) socket.send(frame)
      } catch (err) {
        this.#error(
          'MEGA_WSC_CODEC_FAILED',
          `"${type}" could not be encoded: ${(err as Error).message}`,
          err,
        )
      }
    })
  }

  #dead(socket: SocketLike): void {
    if (this.#socket !== socket) return
    detach(socket)
    socket.close(4000, 'idle timeout')
    this.#closed(CODES.abnormal, 'idle timeout: no frame from the server', true)
  }

  /** The socket closed (or was given up): decide whether and when to reconnect, then tell. */
  #closed(code: number, reason: string, wasOpen: boolean): void {
    this.#dropSocket()
    const reconnect = this.#config.reconnect
    if (code === CODES.decryptFailed)
      queueMicrotask(() =>
        this.#error(
          'MEGA_WSC_DECRYPT_REFUSED',
          'The server could not decrypt a frame (4500): check that both ends use the same key.',
        ),
      )
    if (code === CODES.kicked)
      return this.#finish(code, reason, `kicked by the server (1008: ${reason || 'no reason'})`)
    if (reconnect === false)
      return this.#finish(code, reason, `the socket closed (${code}) and reconnect is off`)
    const reroute = code === CODES.requeue
    if (reroute || !wasOpen) this.#urlIndex = (this.#urlIndex + 1) % this.#config.urls.length
    if (!reroute && this.#attempt >= reconnect.maxAttempts)
      return this.#finish(code, reason, `${this.#attempt} reconnect attempts failed`)
    const delayMs = reroute ? 0 : backoffDelay(this.#attempt, reconnect, this.#config.random)
    if (!reroute) this.#attempt++
    this.#state = 'reconnecting'
    this.#events.emit('closed', { code, reason, final: false })
    this.#events.emit('reconnecting', { attempt: this.#attempt, delayMs, url: this.url, code })
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined
      if (this.#state === 'reconnecting') this.#open()
    }, delayMs)
  }

  #finish(code: number, reason: string, why: string): void {
    this.#state = 'closed'
    this.#pending.rejectAll(`the client closed for good (${why})`, true)
    const unsent = this.#buffer.drain().filter((frame) => !frame.request)
    for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#closedError(why))
    if (unsent.length > 0) {
      const shown = unsent.slice(0, 5).map((frame) => `"${frame.type}" ${frame.id}`)
      const more = unsent.length > shown.length ? ` and ${unsent.length - shown.length} more` : ''
      this.#error(
        'MEGA_WSC_UNSENT',
        `${unsent.length} buffered message(s) were never sent (${shown.join(', ')}${more}): the client closed for good (${why}). Send them again on a new client if they still matter.`,
      )
    }
    this.#events.emit('closed', { code, reason, final: true })
  }

  #dropSocket(): void {
    this.#socket = undefined
    this.#version = undefined
    this.#liveness?.stop()
    this.#liveness = undefined
    if (this.#reconnectTimer !== undefined) clearTimeout(this.#reconnectTimer)
    this.#reconnectTimer = undefined
    this.#pending.rejectAll('the socket closed before the answer came')
  }

  #closedError(why: string): MegaWsClientError {
    return wsClientError(
      'MEGA_WSC_CLOSED',
      `The client will not connect: ${why}. Create a new client to start over.`,
    )
  }

  #error(code: WsClientErrorCode, message: string, cause?: unknown): void {
    this.#events.emit('error', wsClientError(code, message, cause === undefined ? {} : { cause }))
  }

  #reportListenerError(err: unknown): void {
    // A listener's throw never changes what was decided; it is reported once (an `error` listener
    // that throws too is not reported again).
    if (this.#reporting || this.#events.count('error') === 0) return
    this.#reporting = true
    try {
      this.#events.emit(
        'error',
        wsClientError(
          'MEGA_WSC_LISTENER_FAILED',
          `A listener threw: ${String((err as Error)?.message ?? err)}`,
          { cause: err },
        ),
      )
    } finally {
      this.#reporting = false
    }
  }
}

/** One envelope as JSON text (`ns` and `data` left out when undefined). */
function envelopeText(type: string, id: string, data: unknown, ns: string | undefined): string {
  return JSON.stringify({
    type,
    id,
    ...(ns === undefined ? {} : { ns }),
    ...(data === undefined ? {} : { data }),
  })
}

type WsCtor = new (url: string, protocols?: string | string[]) => object
