import { z } from 'zod'
import {
  defineChannel,
  type NamespacePresence,
  type PresenceMember,
  type WsContext,
} from '@mega/ws'
import { CORE_ERRORS } from '@mega/core'
import type { Actor } from '../lib/actor.js'

/** Who is on a board, as the `viewers` message lists them: one entry per user. */
export interface Viewer {
  readonly id: number
  readonly name: string
}

/** The namespace of a board's viewers: HTTP handlers send there with `ctx.presence.in(...)`. */
export function boardNamespace(boardId: number): string {
  return `boards/${boardId}/live`
}

/** The signed-in user the upgrade's `requireUser()` guard returned (the connection's `ctx.auth`). */
function actorOf(ctx: WsContext): Actor {
  const auth = ctx.auth as Partial<Actor> | undefined
  if (typeof auth?.id !== 'number') throw CORE_ERRORS.create('MEGA_AUTH_REQUIRED')
  return auth as Actor
}

/** The members of a namespace as viewers, each user once (a user may have two tabs open). */
export async function viewersOf(presence: Pick<NamespacePresence, 'list'>): Promise<Viewer[]> {
  const byUser = new Map<string, Viewer>()
  for (const member of await presence.list()) byUser.set(member.userId, viewerOf(member))
  return [...byUser.values()].sort((a, b) => a.id - b.id)
}

/** A presence member (or its join event's data) as a viewer. */
export function viewerOf(member: Pick<PresenceMember, 'userId' | 'metadata'>): Viewer {
  const name = member.metadata.name
  return { id: Number(member.userId), name: typeof name === 'string' ? name : '' }
}

/**
 * The live board (`/boards/:id/live`, guarded by `apiUser` and `requireBoard` in
 * routes/live.ts). On connect the viewer joins the board's presence with their id and name (the
 * others get `mega.presence.join`, and `mega.presence.leave` when they go) and is sent `viewers`,
 * the list so far; `viewers` asks again. Note changes reach the board from the JSON routes
 * (`note.created`, `note.updated`, `note.deleted`, see routes/notes.ts), whoever made them.
 */
export const BoardChannel = defineChannel({
  name: 'BoardChannel', // shown by `mega routes`
  messages: {
    viewers: z.object({}).strict().optional(),
  },
  onConnect: async (ctx) => {
    const user = await ctx.services.user.get(actorOf(ctx).id)
    await ctx.presence.join({ userId: String(user.id), metadata: { name: user.name } })
    ctx.send('viewers', await viewersOf(ctx.presence))
  },
  handlers: {
    viewers: (_payload, ctx) => viewersOf(ctx.presence),
  },
})
