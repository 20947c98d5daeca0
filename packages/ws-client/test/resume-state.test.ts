import { describe, expect, it } from 'vitest'
import { ResumeState } from '../src/internal/resume-state.js'

describe('ResumeState (dedupe by offset)', () => {
  it('delivers each offset once when a replay overlaps live broadcasts that came first', () => {
    const state = new ResumeState()
    state.reset('board', { epoch: 'e1', offset: 3 })
    expect(state.accept('board', 'e1', 9)).toBe(true) // live, before the replay
    const replay = [4, 5, 6, 7, 8, 9].map((n) => state.accept('board', 'e1', n))
    expect(replay).toEqual([true, true, true, true, true, false])
    expect(state.accept('board', 'e1', 9)).toBe(false)
    expect(state.positions()).toEqual([['board', { epoch: 'e1', offset: 9 }]])
  })

  it('holds broadcasts while a resume is on its way and releases them in offset order', () => {
    const state = new ResumeState()
    state.reset('board', { epoch: 'e1', offset: 1 })
    expect(state.hold('board', { epoch: 'e1', offset: 4 })).toBe(false) // no resume on its way
    state.holdFrom('board')
    for (const offset of [4, 2, 3, 4]) state.hold('board', { epoch: 'e1', offset })
    const released = state.release('board').filter((m) => state.accept('board', m.epoch, m.offset))
    expect(released.map((m) => m.offset)).toEqual([2, 3, 4])
    expect(state.hold('board', { epoch: 'e1', offset: 5 })).toBe(false)
  })

  it('resumes from the last offset below a hole, so a second reconnect asks for it again', () => {
    const state = new ResumeState()
    state.reset('board', { epoch: 'e1', offset: 0 })
    for (const n of [1, 2, 5]) state.accept('board', 'e1', n)
    expect(state.positions()).toEqual([['board', { epoch: 'e1', offset: 2 }]])
    expect(state.accept('board', 'e1', 3)).toBe(true)
    expect(state.accept('board', 'e1', 4)).toBe(true)
    expect(state.positions()).toEqual([['board', { epoch: 'e1', offset: 5 }]])
  })

  it('starts over on another epoch and keeps namespaces apart', () => {
    const state = new ResumeState()
    state.reset('a', { epoch: 'e1', offset: 10 })
    expect(state.accept('a', 'e2', 1)).toBe(true)
    expect(state.accept('b', 'e1', 1)).toBe(true)
    expect(state.positions()).toEqual([
      ['a', { epoch: 'e2', offset: 1 }],
      ['b', { epoch: 'e1', offset: 1 }],
    ])
  })

  it('gives up a hole older than 512 later broadcasts (e.g. one sent `except` this client)', () => {
    const state = new ResumeState()
    state.reset('a', { epoch: 'e', offset: 0 })
    for (let n = 2; n <= 514; n++) state.accept('a', 'e', n)
    expect(state.positions()).toEqual([['a', { epoch: 'e', offset: 514 }]])
  })
})
