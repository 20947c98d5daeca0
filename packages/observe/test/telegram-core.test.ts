import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { tempDir } from '@mega/test-utils'
import { MegaError } from '../src/errors.js'
import { LEVEL_NAMES, levelValue } from '../src/log-levels.js'
import {
  RetryQueue,
  TELEGRAM_MAX_TEXT,
  createThrottle,
  formatMessage,
} from '../src/telegram/telegram-core.js'

describe('LEVEL_NAMES', () => {
  it('maps every pino level number to its name and back', () => {
    expect(LEVEL_NAMES).toEqual({
      10: 'trace',
      20: 'debug',
      30: 'info',
      40: 'warn',
      50: 'error',
      60: 'fatal',
    })
    expect(Object.isFrozen(LEVEL_NAMES)).toBe(true)
    for (const [value, name] of Object.entries(LEVEL_NAMES))
      expect(levelValue(name)).toBe(Number(value))
  })
})

describe('createThrottle', () => {
  it('allows max acquisitions per window and refuses the rest', () => {
    const throttle = createThrottle(2, 1000)
    expect([throttle.tryAcquire(0), throttle.tryAcquire(10), throttle.tryAcquire(20)]).toEqual([
      true,
      true,
      false,
    ])
  })

  it('allows again once the oldest acquisition leaves the window', () => {
    const throttle = createThrottle(2, 1000)
    throttle.tryAcquire(0)
    throttle.tryAcquire(500)
    expect(throttle.tryAcquire(999)).toBe(false)
    expect(throttle.tryAcquire(1000)).toBe(true)
    expect(throttle.tryAcquire(1001)).toBe(false)
    expect(throttle.tryAcquire(1500)).toBe(true)
  })

  it('does not count refused attempts', () => {
    const throttle = createThrottle(1, 100)
    throttle.tryAcquire(0)
    for (let t = 1; t < 100; t += 1) throttle.tryAcquire(t)
    expect(throttle.tryAcquire(100)).toBe(true)
  })

  it.each([
    [0, 1000],
    [1.5, 1000],
    [5, -1],
    [5, Number.NaN],
  ])('throws MEGA_CONFIG_INVALID for max %s and window %s', (max, windowMs) => {
    expect(() => createThrottle(max, windowMs)).toThrowError(
      expect.objectContaining({ code: 'MEGA_CONFIG_INVALID' }) as Error,
    )
  })
})

describe('formatMessage', () => {
  it('shows level, service, host, time, message and the other fields', () => {
    const text = formatMessage(
      { level: 50, time: 0, pid: 1, hostname: 'web-1', msg: 'payment failed', orderId: 7 },
      'shop',
    )
    expect(text).toBe(
      '[ERROR] shop @ web-1\n1970-01-01T00:00:00.000Z\npayment failed\n{\n "orderId": 7\n}',
    )
  })

  it('shows the error stack, or its type and message without one', () => {
    expect(
      formatMessage(
        { level: 60, err: { type: 'Error', message: 'boom', stack: 'Error: boom\n  at x' } },
        's',
      ),
    ).toBe('[FATAL] s\nError: boom\n  at x')
    expect(formatMessage({ level: 40, err: { type: 'TypeError', message: 'bad' } }, 's')).toBe(
      '[WARN] s\nTypeError: bad',
    )
  })

  it('names unknown levels and records without a level', () => {
    expect(formatMessage({ level: 35, msg: 'x' }, 's')).toBe('[LEVEL 35] s\nx')
    expect(formatMessage({ msg: 'x' }, 's')).toBe('[LOG] s\nx')
  })

  it('cuts the text to the Telegram limit', () => {
    const text = formatMessage({ level: 50, msg: 'x'.repeat(10_000) }, 's')
    expect(text).toHaveLength(TELEGRAM_MAX_TEXT)
    expect(text.endsWith('…')).toBe(true)
  })
})

async function queueFile(): Promise<string> {
  return join(await tempDir(), 'nested', 'telegram-retry.jsonl')
}

describe('RetryQueue', () => {
  it('drains appended texts in order and empties the file', async () => {
    const queue = new RetryQueue(await queueFile())
    await queue.append('a')
    await queue.append('b')
    expect(await queue.drain()).toEqual(['a', 'b'])
    expect(await queue.drain()).toEqual([])
  })

  it('treats a missing file as empty', async () => {
    expect(await new RetryQueue(await queueFile()).drain()).toEqual([])
  })

  it('stores one JSON object per line with ts and text', async () => {
    const file = await queueFile()
    const queue = new RetryQueue(file, { now: () => 1234 })
    await queue.append('hello')
    expect(await readFile(file, 'utf8')).toBe('{"ts":1234,"text":"hello"}\n')
  })

  it('skips blank lines, broken JSON and entries without a string text', async () => {
    const file = join(await tempDir(), 'q.jsonl')
    const lines = [
      '{"ts":1,"text":"a"}',
      '',
      '   ',
      '{broken',
      '{"ts":1,"text":5}',
      '"str"',
      'null',
      '{"ts":1,"text":"b"}',
    ]
    await writeFile(file, lines.join('\n'))
    expect(await new RetryQueue(file, { now: () => 2 }).drain()).toEqual(['a', 'b'])
  })

  it('stamps entries without a numeric ts with now, so the age cap keeps them', async () => {
    const file = join(await tempDir(), 'q.jsonl')
    await writeFile(
      file,
      '{"text":"no-ts"}\n{"ts":"old","text":"bad-ts"}\n{"ts":0,"text":"stale"}\n',
    )
    const queue = new RetryQueue(file, { maxAgeMs: 10, now: () => 1000 })
    expect(await queue.drain()).toEqual(['no-ts', 'bad-ts'])
  })

  it('keeps an entry exactly maxAgeMs old and drops older ones', async () => {
    const file = join(await tempDir(), 'q.jsonl')
    await writeFile(
      file,
      '{"ts":899,"text":"older"}\n{"ts":900,"text":"edge"}\n{"ts":1000,"text":"new"}\n',
    )
    const onDrop = vi.fn()
    expect(await new RetryQueue(file, { maxAgeMs: 100, now: () => 1000, onDrop }).drain()).toEqual([
      'edge',
      'new',
    ])
    expect(onDrop).toHaveBeenCalledExactlyOnceWith(1)
  })

  it('keeps the last maxEntries in file order after the age cap and reports the total once', async () => {
    const file = join(await tempDir(), 'q.jsonl')
    const entries = [0, 500, 600, 700, 800].map((ts, i) => JSON.stringify({ ts, text: `t${i}` }))
    await writeFile(file, `${entries.join('\n')}\n`)
    const onDrop = vi.fn()
    const queue = new RetryQueue(file, { maxEntries: 2, maxAgeMs: 500, now: () => 1000, onDrop })
    expect(await queue.drain()).toEqual(['t3', 't4'])
    expect(onDrop).toHaveBeenCalledExactlyOnceWith(3)
  })

  it('does not call onDrop when nothing was dropped', async () => {
    const onDrop = vi.fn()
    const queue = new RetryQueue(await queueFile(), { maxEntries: 5, onDrop })
    await queue.append('a')
    await queue.drain()
    expect(onDrop).not.toHaveBeenCalled()
  })

  it('treats 0 as unlimited for both caps', async () => {
    const file = join(await tempDir(), 'q.jsonl')
    await writeFile(
      file,
      `${Array.from({ length: 6000 }, (_, i) => JSON.stringify({ ts: i, text: `t${i}` })).join('\n')}\n`,
    )
    const texts = await new RetryQueue(file, {
      maxEntries: 0,
      maxAgeMs: 0,
      now: () => 1e12,
    }).drain()
    expect(texts).toHaveLength(6000)
  })

  it('defaults to 5000 entries and 24 hours', () => {
    const queue = new RetryQueue('/tmp/x.jsonl')
    expect([queue.maxEntries, queue.maxAgeMs]).toEqual([5000, 86_400_000])
  })

  it.each([
    [{ maxEntries: -1 }, 'RetryQueue options.maxEntries'],
    [{ maxEntries: 2.5 }, 'RetryQueue options.maxEntries'],
    [{ maxAgeMs: -5 }, 'RetryQueue options.maxAgeMs'],
    [{ onDrop: 'log' }, 'RetryQueue options.onDrop'],
  ])('throws MEGA_CONFIG_INVALID for %o instead of silently going unlimited', (options, path) => {
    try {
      new RetryQueue('/tmp/x.jsonl', options as never)
      expect.unreachable()
    } catch (err) {
      expect(MegaError.is(err, 'MEGA_CONFIG_INVALID')).toBe(true)
      expect((err as MegaError).issues?.map((i) => i.path)).toEqual([path])
    }
  })

  it('loses nothing when appends and drains interleave', async () => {
    const queue = new RetryQueue(await queueFile())
    const texts = Array.from({ length: 40 }, (_, i) => `m${i}`)
    const drains: Promise<string[]>[] = []
    const appends = texts.map((text, i) => {
      if (i % 7 === 0) drains.push(queue.drain())
      return queue.append(text)
    })
    await Promise.all(appends)
    const drained = [...(await Promise.all(drains)).flat(), ...(await queue.drain())]
    expect(drained).toEqual(texts)
  })

  it('hands each entry to exactly one of several queues on the same file (rename-claim)', async () => {
    const file = await queueFile()
    const writer = new RetryQueue(file)
    for (let i = 0; i < 20; i += 1) await writer.append(`m${i}`)
    const queues = Array.from({ length: 4 }, () => new RetryQueue(file))
    const drained = (await Promise.all(queues.map((q) => q.drain()))).flat()
    expect(drained.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).sort())
  })

  it('leaves no claim file behind', async () => {
    const file = await queueFile()
    const queue = new RetryQueue(file)
    await queue.append('a')
    await queue.drain()
    expect(await readdir(join(file, '..'))).toEqual([])
  })

  it('clear removes every entry and tolerates a missing file', async () => {
    const queue = new RetryQueue(await queueFile())
    await queue.clear()
    await queue.append('a')
    await queue.clear()
    expect(await queue.drain()).toEqual([])
  })

  it('keeps serving after a failed operation', async () => {
    const file = join(await tempDir(), 'q.jsonl')
    await mkdir(join(file, 'sub'), { recursive: true })
    const queue = new RetryQueue(file)
    await expect(queue.drain()).rejects.toThrow()
    await queue.append('a')
    expect(await queue.drain()).toEqual(['a'])
  })
})
