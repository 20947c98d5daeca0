import { describe, expect, it } from 'vitest'
import { RemoteRoster } from '../../src/hub/hub-remote-roster.js'
import { PRESENCE_EVENTS, type PresenceMember } from '../../src/index.js'

const member = (user: string): PresenceMember => ({
  sessionId: `s-${user}`,
  userId: user,
  metadata: {},
  connId: `c-${user}`,
})
const [ann, bob, cid] = [member('ann'), member('bob'), member('cid')]
const users = (list: PresenceMember[]) => list.map((m) => m.userId).sort()

describe('RemoteRoster', () => {
  it('sorts the listed members into joined meanwhile and known, and those gone into leaves', () => {
    const roster = new RemoteRoster()
    roster.seen('room', PRESENCE_EVENTS.join, ann)
    roster.listed('room', [bob])
    const first = roster.finish(roster.begin('room'), [bob, cid])
    expect(users(first.joins)).toEqual(['cid'])
    expect(users(first.known)).toEqual(['bob'])
    expect(users(first.leaves)).toEqual(['ann'])
    // what a catch-up told is remembered: cid gone next time gets a leave
    const next = roster.finish(roster.begin('room'), [bob])
    expect(next).toEqual({ joins: [], known: [bob], leaves: [cid] })
  })

  it('leaves sessions a live event touched during the query to that event', () => {
    const roster = new RemoteRoster()
    roster.seen('room', PRESENCE_EVENTS.join, ann)
    const ticket = roster.begin('room')
    roster.seen('room', PRESENCE_EVENTS.leave, ann) // delivered before the (older) answer
    roster.seen('room', PRESENCE_EVENTS.join, bob) // the answer does not list bob yet
    expect(roster.finish(ticket, [ann])).toEqual({ joins: [], known: [], leaves: [] })
  })

  it('tells nothing without an answer, and forgets a namespace without local connections', () => {
    const roster = new RemoteRoster()
    roster.seen('room', PRESENCE_EVENTS.join, ann)
    const nothing = { joins: [], known: [], leaves: [] }
    expect(roster.finish(roster.begin('room'), undefined)).toEqual(nothing)
    roster.seen('room', 'said', ann) // not a presence event
    roster.forget('room')
    expect(roster.finish(roster.begin('room'), [])).toEqual(nothing)
  })
})
