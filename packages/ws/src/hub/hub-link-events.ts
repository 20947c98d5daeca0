import { wsError } from '../errors.js'
import type { HubLinkLogger } from './hub-link-config.js'

/** The events a {@link MegaHubLink} emits, in the order a session goes through them. */
export const HUB_LINK_EVENTS = Object.freeze([
  'connected',
  'registered',
  'disconnected',
  'reconnecting',
  'final',
  'dropped',
] as const)

/** One of {@link HUB_LINK_EVENTS}. */
export type HubLinkEvent = (typeof HUB_LINK_EVENTS)[number]

/** What each hub link event carries. */
export interface HubLinkEventMap {
  /** The socket to the hub opened (`register` is being sent). */
  readonly connected: { readonly url: string }
  /** The hub accepted the bridge; interest and presence were re-sent, then the buffered frames. */
  readonly registered: {
    readonly hubId: string
    readonly protocolVersion: number
    readonly heartbeatMs: number
  }
  /** The socket closed (`1006`: it dropped, or never opened). */
  readonly disconnected: { readonly code: number; readonly reason: string }
  /** The next attempt starts after `delayMs` (`attempt` counts from 1 since the last registration). */
  readonly reconnecting: { readonly delayMs: number; readonly attempt: number }
  /** The hub refused the bridge for good (4401, 4409): no more attempts; the app serves locally. */
  readonly final: { readonly code: number; readonly reason: string }
  /** The buffer was full while the hub was away: its oldest frame was dropped (`total` so far). */
  readonly dropped: { readonly total: number }
}

/** A listener of event `E`. */
export type HubLinkListener<E extends HubLinkEvent> = (info: HubLinkEventMap[E]) => void

/** Listeners by event; a listener's throw is logged and changes nothing. */
export class HubLinkEmitter {
  readonly #listeners = new Map<HubLinkEvent, Set<(info: never) => void>>()
  readonly #log: HubLinkLogger

  constructor(log: HubLinkLogger) {
    this.#log = log
  }

  on<E extends HubLinkEvent>(event: E, listener: HubLinkListener<E>): void {
    if (!HUB_LINK_EVENTS.includes(event))
      throw wsError(
        'MEGA_WS_OPTIONS_INVALID',
        `MegaHubLink.on: unknown event ${JSON.stringify(event)}: use one of ${HUB_LINK_EVENTS.join(', ')}.`,
      )
    let set = this.#listeners.get(event)
    if (set === undefined) this.#listeners.set(event, (set = new Set()))
    set.add(listener)
  }

  off<E extends HubLinkEvent>(event: E, listener: HubLinkListener<E>): void {
    this.#listeners.get(event)?.delete(listener)
  }

  emit<E extends HubLinkEvent>(event: E, info: HubLinkEventMap[E]): void {
    for (const listener of this.#listeners.get(event) ?? [])
      try {
        ;(listener as HubLinkListener<E>)(info)
      } catch (err) {
        this.#log.warn({ err, event }, 'hub link: an event listener threw')
      }
  }
}
