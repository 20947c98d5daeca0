import type { KickOptions, KickTarget, PresenceMember } from '../presence/presence-types.js'
import type { HistoryPosition } from '../presence/shared-history.js'
import type { HubPayloads } from './hub-protocol.js'

/** The longest namespace name the protocol carries (the registry's bound too). */
const MAX_NS = 128

/** A `publish` payload for a broadcast to `ns`. */
export function publishNsPayload(
  ns: string,
  type: string,
  data: unknown,
  id: string,
  except: string | undefined,
  at: HistoryPosition | undefined,
): HubPayloads['publish'] {
  return {
    ns,
    type,
    data,
    id,
    ...(except === undefined ? {} : { except }),
    ...(at === undefined ? {} : { at: { epoch: at.epoch, offset: at.offset } }),
  }
}

/** A `kick` payload (the reason cut to the close frame's 123 characters). */
export function kickPayload(target: KickTarget, options: KickOptions): HubPayloads['kick'] {
  return {
    target: 'connId' in target ? { connId: target.connId } : { userId: target.userId },
    ...(options.requeue === undefined ? {} : { requeue: options.requeue }),
    ...(options.reason === undefined ? {} : { reason: options.reason.slice(0, 123) }),
  }
}

/** What a hub `kick` asks of the local connections, as registry kick options. */
export function kickOptionsOf(kick: HubPayloads['kick']): KickOptions {
  return {
    ...(kick.requeue === undefined ? {} : { requeue: kick.requeue }),
    ...(kick.reason === undefined ? {} : { reason: kick.reason }),
  }
}

/** A `presence` payload: the local members by namespace (names the protocol cannot carry left out). */
export function presencePayload(local: Record<string, PresenceMember[]>): HubPayloads['presence'] {
  const members: Record<string, PresenceMember[]> = {}
  for (const [ns, list] of Object.entries(local)) if (nsFits(ns)) members[ns] = list
  return { members }
}

/** Whether a namespace name fits the protocol (1–128 characters). */
export function nsFits(ns: string): boolean {
  return ns.length > 0 && ns.length <= MAX_NS
}
