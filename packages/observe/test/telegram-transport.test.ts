import { once } from 'node:events'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Transform } from 'node:stream'
import { describe, expect, it, vi } from 'vitest'
import { disposeAfterTest, tempDir } from '@mega/test-utils'
import { MegaError } from '../src/errors.js'
import telegramTransport, {
  DEFAULT_TELEGRAM_RETRY_AFTER_SEC,
  TELEGRAM_REPORT_PREFIX,
  TELEGRAM_RETRY_FILE,
  TelegramSink,
  httpsPost,
  type HttpSender,
  type HttpSendResult,
  type TelegramTransportOptions,
  type TransportTimers,
} from '../src/telegram/telegram-transport.js'

interface Harness {
  readonly sent: { url: string; chat_id: unknown; text: string }[]
  readonly reports: string[]
  readonly interval: ReturnType<typeof vi.fn<(fn: () => void, ms: number) => { unref: () => void }>>
  readonly cleared: unknown[]
  readonly clock: { now: number }
  readonly retryDir: string
  options: TelegramTransportOptions
  status: number | Error
  answer: Omit<HttpSendResult, 'statusCode'>
}

async function harness(overrides: Partial<TelegramTransportOptions> = {}): Promise<Harness> {
  const retryDir = await tempDir()
  const interval = vi.fn((_fn: () => void, _ms: number) => ({ unref: vi.fn() }))
  const h: Harness = {
    sent: [],
    reports: [],
    interval,
    cleared: [],
    clock: { now: 1_000_000 },
    retryDir,
    status: 200,
    answer: {},
    options: { botToken: '', chatId: 0 },
  }
  const send: HttpSender = (url, body) => {
    const { chat_id, text } = JSON.parse(body) as { chat_id: unknown; text: string }
    h.sent.push({ url, chat_id, text })
    return h.status instanceof Error
      ? Promise.reject(h.status)
      : Promise.resolve({ statusCode: h.status, ...h.answer })
  }
  const timers: TransportTimers = { setInterval: interval, clearInterval: (x) => h.cleared.push(x) }
  h.options = {
    botToken: '123:TOKEN',
    chatId: -100,
    retryDir,
    level: 'info',
    httpsRequest: send,
    stderr: { write: (line: string) => h.reports.push(line) },
    now: () => h.clock.now,
    timers,
    ...overrides,
  }
  return h
}

function sink(h: Harness): TelegramSink {
  const s = new TelegramSink(h.options)
  disposeAfterTest(() => s.close())
  return s
}

const record = (msg: string, level = 50): Record<string, unknown> => ({ level, time: 0, msg })

async function endStream(stream: Transform): Promise<void> {
  const closed = once(stream, 'close')
  stream.end()
  await closed
}

async function retryLines(h: Harness): Promise<string[]> {
  const raw = await readFile(join(h.retryDir, TELEGRAM_RETRY_FILE), 'utf8').catch(() => '')
  return raw
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { text: string }).text)
}

describe('telegramTransport', () => {
  it('posts each record to the Bot API sendMessage URL with the chat id and formatted text', async () => {
    const h = await harness({ serviceName: 'shop' })
    const stream = telegramTransport(h.options)
    stream.write(`${JSON.stringify(record('card declined'))}\n`)
    await endStream(stream)
    expect(h.sent).toEqual([
      {
        url: 'https://api.telegram.org/bot123:TOKEN/sendMessage',
        chat_id: -100,
        text: '[ERROR] shop\n1970-01-01T00:00:00.000Z\ncard declined',
      },
    ])
  })

  it('skips lines that are not JSON and records below its level', async () => {
    const h = await harness({ level: 'warn' })
    const stream = telegramTransport(h.options)
    stream.write('not json\n')
    stream.write(`${JSON.stringify(record('too low', 30))}\n`)
    stream.write(`${JSON.stringify({ msg: 'no level' })}\n`)
    stream.write(`${JSON.stringify(record('kept', 40))}\n`)
    await endStream(stream)
    expect(h.sent.map((s) => s.text.split('\n').at(-1))).toEqual(['kept'])
  })

  it('throws MEGA_CONFIG_INVALID listing every bad option', async () => {
    const h = await harness()
    try {
      telegramTransport({ ...h.options, botToken: '', throttleMax: 0, retryMaxEntries: -1 })
      expect.unreachable()
    } catch (err) {
      expect(MegaError.is(err, 'MEGA_CONFIG_INVALID')).toBe(true)
      expect((err as MegaError).issues?.map((i) => i.path)).toEqual([
        'telegram transport options.botToken',
        'telegram transport options.retryMaxEntries',
        'telegram transport options.throttleMax',
      ])
    }
  })
})

describe('TelegramSink throttle', () => {
  it('drops records over the limit and reports the count once on stderr at the next drain tick', async () => {
    const h = await harness({ throttleMax: 2, throttleWindowMs: 1000 })
    const s = sink(h)
    for (let i = 0; i < 5; i += 1) s.write(record(`m${i}`))
    expect(h.sent).toHaveLength(2)
    expect(h.reports).toEqual([])
    await s.drainTick()
    expect(h.reports).toEqual([
      `${TELEGRAM_REPORT_PREFIX} dropped 3 log record(s) over the throttle (2 per 1000 ms)\n`,
    ])
    await s.drainTick()
    expect(h.reports).toHaveLength(1)
  })

  it('lets records through again once the window has passed', async () => {
    const h = await harness({ throttleMax: 1, throttleWindowMs: 1000 })
    const s = sink(h)
    s.write(record('a'))
    s.write(record('b'))
    h.clock.now += 1000
    s.write(record('c'))
    await s.close()
    expect(h.sent.map((x) => x.text.split('\n').at(-1))).toEqual(['a', 'c'])
  })

  it('reports drops not yet reported when closed', async () => {
    const h = await harness({ throttleMax: 1 })
    const s = sink(h)
    s.write(record('a'))
    s.write(record('b'))
    await s.close()
    expect(h.reports).toEqual([
      expect.stringMatching(/^\[telegram-transport\] dropped 1 log record/),
    ])
  })
})

describe('TelegramSink retry', () => {
  it('queues a refused post and a failed post in <retryDir>/telegram-retry.jsonl', async () => {
    const h = await harness()
    const s = sink(h)
    h.status = 500
    s.write(record('refused'))
    await s.close()
    h.status = new Error('ECONNRESET')
    const again = sink(h)
    again.write(record('thrown'))
    await again.close()
    expect((await retryLines(h)).map((t) => t.split('\n').at(-1))).toEqual(['refused', 'thrown'])
  })

  it('re-sends queued messages on each drain tick and re-queues those that fail again', async () => {
    const h = await harness()
    const s = sink(h)
    h.status = 503
    s.write(record('one'))
    s.write(record('two'))
    await s.close()
    const texts = await retryLines(h)
    const resend = sink(h)
    await resend.drainTick()
    expect(await retryLines(h)).toEqual(texts)
    h.status = 200
    h.sent.length = 0
    await resend.drainTick()
    expect(h.sent.map((x) => x.text)).toEqual(texts)
    expect(await retryLines(h)).toEqual([])
  })

  it('reports entries dropped by the retry caps on stderr', async () => {
    const h = await harness({ retryMaxEntries: 2 })
    const file = join(h.retryDir, TELEGRAM_RETRY_FILE)
    await writeFile(
      file,
      ['a', 'b', 'c', 'd'].map((text) => JSON.stringify({ ts: h.clock.now, text })).join('\n'),
    )
    const s = sink(h)
    await s.drainTick()
    expect(h.sent.map((x) => x.text)).toEqual(['c', 'd'])
    expect(h.reports).toEqual([
      `${TELEGRAM_REPORT_PREFIX} dropped 2 stale or over-cap retry entries\n`,
    ])
  })

  it('treats a failed drain as an empty queue', async () => {
    const h = await harness()
    await mkdir(join(h.retryDir, TELEGRAM_RETRY_FILE, 'not-a-file'), { recursive: true })
    const s = sink(h)
    await expect(s.drainTick()).resolves.toBeUndefined()
    expect(h.sent).toEqual([])
  })

  it('reports on stderr when a failed message cannot be queued', async () => {
    const h = await harness()
    await writeFile(join(h.retryDir, 'blocker'), '')
    h.options = { ...h.options, retryDir: join(h.retryDir, 'blocker') }
    const s = sink(h)
    h.status = 500
    s.write(record('lost'))
    await s.close()
    expect(h.reports).toEqual([
      expect.stringMatching(/^\[telegram-transport\] could not queue a failed message/),
    ])
  })

  it.each([400, 401, 403, 404])(
    'drops a message Telegram refuses with %i (no retry) and says so once on stderr',
    async (status) => {
      const h = await harness()
      h.status = status
      h.answer = { description: 'Bad Request: chat not found' }
      const s = sink(h)
      s.write(record('lost'))
      await s.close()
      expect(await retryLines(h)).toEqual([])
      expect(h.reports).toEqual([
        `${TELEGRAM_REPORT_PREFIX} dropped a message: Telegram answered ${status} (Bad Request: chat not found), which a retry cannot fix; check botToken and chatId\n`,
      ])
      expect(h.reports.join('')).not.toContain('TOKEN')
    },
  )

  it('still queues a 5xx answer for retry', async () => {
    const h = await harness()
    h.status = 502
    const s = sink(h)
    s.write(record('later'))
    await s.close()
    expect((await retryLines(h)).map((t) => t.split('\n').at(-1))).toEqual(['later'])
    expect(h.reports).toEqual([])
  })

  it('after a 429 holds every post until retry_after has passed, then re-sends in order', async () => {
    const h = await harness()
    h.status = 429
    h.answer = { retryAfterSec: 5 }
    const s = sink(h)
    s.write(record('first'))
    await vi.waitFor(async () => expect(await retryLines(h)).toHaveLength(1))
    h.status = 200
    h.answer = {}
    s.write(record('second'))
    await vi.waitFor(async () => expect(await retryLines(h)).toHaveLength(2))
    h.clock.now += 4_999
    await s.drainTick()
    expect(h.sent.map((x) => x.text.split('\n').at(-1))).toEqual(['first'])
    h.clock.now += 1
    await s.drainTick()
    expect(h.sent.map((x) => x.text.split('\n').at(-1))).toEqual(['first', 'first', 'second'])
    expect(await retryLines(h)).toEqual([])
  })

  it('waits DEFAULT_TELEGRAM_RETRY_AFTER_SEC after a 429 that names no retry_after', async () => {
    const h = await harness()
    h.status = 429
    const s = sink(h)
    s.write(record('x'))
    await vi.waitFor(async () => expect(await retryLines(h)).toHaveLength(1))
    h.status = 200
    h.clock.now += DEFAULT_TELEGRAM_RETRY_AFTER_SEC * 1000 - 1
    await s.drainTick()
    expect(h.sent).toHaveLength(1)
    h.clock.now += 1
    await s.drainTick()
    expect(h.sent).toHaveLength(2)
  })

  it('drains on an unref-ed timer every retryDrainMs and stops it on close', async () => {
    const h = await harness({ retryDrainMs: 1234 })
    const s = sink(h)
    expect(h.interval).toHaveBeenCalledExactlyOnceWith(expect.any(Function), 1234)
    const handle = h.interval.mock.results[0]!.value as { unref: () => void }
    expect(handle.unref).toHaveBeenCalled()
    await s.close()
    expect(h.cleared).toEqual([handle])
  })
})

describe('httpsPost', () => {
  type Answer = number | [number, string, Record<string, string>]
  async function server(respond: (req: IncomingMessage, body: string) => Answer | undefined) {
    const received: {
      headers: IncomingMessage['headers']
      body: string
      url: string | undefined
    }[] = []
    const srv = createServer((req, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString()))
      req.on('end', () => {
        received.push({ headers: req.headers, body, url: req.url })
        const answer = respond(req, body)
        if (answer === undefined) return
        const [status, payload, headers] =
          typeof answer === 'number' ? [answer, '{"ok":true}', {}] : answer
        res.writeHead(status, headers).end(payload)
      })
    })
    srv.listen(0, '127.0.0.1')
    await once(srv, 'listening')
    disposeAfterTest(() => {
      srv.closeAllConnections()
      srv.close()
    })
    return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, received }
  }

  it('POSTs the JSON body and resolves with the status', async () => {
    const { url, received } = await server(() => 200)
    const result = await httpsPost(`${url}/botX/sendMessage`, '{"text":"hi"}', {
      request: httpRequest,
    })
    expect(result).toEqual({ statusCode: 200 })
    expect(received).toEqual([
      expect.objectContaining({ url: '/botX/sendMessage', body: '{"text":"hi"}' }),
    ])
    expect(received[0]!.headers['content-type']).toBe('application/json')
  })

  it("reads a refusal's description and retry_after from the Bot API's JSON body", async () => {
    const body =
      '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}'
    const { url } = await server(() => [429, body, { 'content-type': 'application/json' }])
    const result = await httpsPost(`${url}/botX/sendMessage`, '{}', { request: httpRequest })
    expect(result).toEqual({
      statusCode: 429,
      retryAfterSec: 7,
      description: 'Too Many Requests: retry after 7',
    })
  })

  it('falls back to the Retry-After header when the body is not the Bot API JSON', async () => {
    const { url } = await server(() => [429, 'slow down', { 'retry-after': '3' }])
    const result = await httpsPost(`${url}/botX/sendMessage`, '{}', { request: httpRequest })
    expect(result).toEqual({ statusCode: 429, retryAfterSec: 3 })
  })

  it('rejects on timeout without naming the URL', async () => {
    const { url } = await server(() => undefined)
    const sending = httpsPost(`${url}/botSECRET/sendMessage`, '{}', {
      request: httpRequest,
      timeoutMs: 20,
    })
    await expect(sending).rejects.toThrow(/^Telegram request timed out after 20 ms$/)
  })
})
