import { execFile } from 'node:child_process'
import { once } from 'node:events'
import { promisify } from 'node:util'
import { Writable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import pino, { type LoggerOptions } from 'pino'
import { describe, expect, it } from 'vitest'
import { caught } from '@mega/test-utils'
import { type MegaError } from '../src/errors.js'
import {
  DEFAULT_REDACT_PATHS,
  TELEGRAM_TRANSPORT_TARGET,
  buildLoggerOptions,
  buildTargets,
  createLogger,
  getLogContext,
  runWithLogContext,
  type CreateLoggerSeams,
  type MegaLoggerConfig,
} from '../src/logger.js'
import telegramTransport, {
  type TelegramTransportOptions,
} from '../src/telegram/telegram-transport.js'

const execFileAsync = promisify(execFile)

function capture(config: MegaLoggerConfig, seams: CreateLoggerSeams = {}) {
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write: (chunk: Buffer, _e, done) => (
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>),
      done()
    ),
  })
  return { logger: createLogger(config, { ...seams, destination }), lines }
}

describe('buildLoggerOptions', () => {
  it.each([false, null, undefined, 'info', 42])('returns null (logging off) for %s', (config) => {
    expect(buildLoggerOptions(config)).toBeNull()
  })

  it('defaults to info on stdout with the default redact paths', () => {
    const options = buildLoggerOptions({})!
    expect(options).toMatchObject({
      level: 'info',
      redact: { paths: [...DEFAULT_REDACT_PATHS] },
      transport: { targets: [{ target: 'pino/file', level: 'info', options: { destination: 1 } }] },
    })
    expect(typeof options.mixin).toBe('function')
  })

  it('returns options pino accepts as they are', () => {
    const options: LoggerOptions = buildLoggerOptions({ level: 'warn' })!
    const { transport: _t, ...inProcess } = options
    expect(pino(inProcess, new Writable({ write: (_c, _e, done) => done() })).level).toBe('warn')
  })

  it('merges an array of paths after the defaults without duplicates', () => {
    const { redact } = buildLoggerOptions({ redact: ['*.password', 'card.number', 'card.number'] })!
    expect(redact).toEqual({ paths: [...DEFAULT_REDACT_PATHS, 'card.number'] })
  })

  it('keeps censor and remove from the object form, with the defaults still applied', () => {
    const censor = () => '***'
    const { redact } = buildLoggerOptions({
      redact: { paths: ['card.cvc'], censor, remove: false },
    })!
    expect(redact).toEqual({ paths: [...DEFAULT_REDACT_PATHS, 'card.cvc'], censor, remove: false })
  })

  it('removes redacted keys with remove: true', () => {
    const { logger, lines } = capture({ redact: { paths: [], remove: true } })
    logger.info({ user: { password: 'p', name: 'ada' } })
    expect(lines[0]!.user).toEqual({ name: 'ada' })
  })

  it.each([
    'a.b',
    '*.x',
    'a[0].b',
    'headers["x-api-key"]',
    "a['b c']",
    'a.*.b',
    'a[*]',
    'a.b-c',
    'req.headers.authorization',
  ])('accepts the redact path %s', (path) => {
    expect(buildLoggerOptions({ redact: [path] })!.redact.paths).toContain(path)
  })

  it('rejects bad redact paths with MEGA_LOGGER_REDACT_INVALID naming each path and index', () => {
    const err = caught<MegaError>(() =>
      buildLoggerOptions({ redact: ['ok.path', 'a..b', 5, 'a b'] }),
    )
    expect(err.code).toBe('MEGA_LOGGER_REDACT_INVALID')
    expect(err.issues?.map((i) => i.path)).toEqual([
      'logger.redact[1]',
      'logger.redact[2]',
      'logger.redact[3]',
    ])
    expect(err.issues?.[0]?.message).toMatch(/^"a\.\.b" is not a valid redact path/)
    expect(err.issues?.[1]?.message).toBe('expected a string path, got number')
  })

  it.each(['', '.a', 'a.', 'a[', 'a[b]', 'a.**', 'a*', '[]'])(
    'rejects the redact path %j',
    (path) => {
      expect(caught<MegaError>(() => buildLoggerOptions({ redact: [path] })).issues).toEqual([
        {
          path: 'logger.redact[0]',
          message: expect.stringContaining(JSON.stringify(path)) as string,
        },
      ])
    },
  )

  it.each([
    ['*.password', 'logger.redact'],
    [null, 'logger.redact'],
    [{ paths: '*.pin' }, 'logger.redact.paths'],
    [{ paths: [], censor: 5 }, 'logger.redact.censor'],
    [{ paths: [], remove: 'yes' }, 'logger.redact.remove'],
    [{ paths: [], extra: true }, 'logger.redact.extra'],
    [{ paths: ['x', '..'] }, 'logger.redact.paths[1]'],
  ])('throws for redact %o instead of falling back to the defaults', (redact, path) => {
    const err = caught<MegaError>(() => buildLoggerOptions({ redact }))
    expect(err.code).toBe('MEGA_LOGGER_REDACT_INVALID')
    expect(err.issues?.map((i) => i.path)).toEqual([path])
  })

  it('throws one MEGA_CONFIG_INVALID listing every other problem', () => {
    const err = caught<MegaError>(() =>
      buildLoggerOptions({ level: 'verbose', sink: {}, sinks: { file: {} } }),
    )
    expect(err.code).toBe('MEGA_CONFIG_INVALID')
    expect(err.issues?.map((i) => i.path).sort()).toEqual([
      'logger',
      'logger.level',
      'logger.sinks.file.path',
    ])
  })

  it('throws when every sink is off', () => {
    const err = caught<MegaError>(() => buildLoggerOptions({ sinks: { stdout: false } }))
    expect(err.issues).toEqual([
      { path: 'logger.sinks', message: 'turn on at least one sink, or set logger: false' },
    ])
  })

  it('throws when a sink level is below the logger level', () => {
    const err = caught<MegaError>(() =>
      buildLoggerOptions({ level: 'warn', sinks: { stdout: { level: 'debug' } } }),
    )
    expect(err.issues?.map((i) => i.path)).toEqual(['logger.sinks.stdout.level'])
  })

  it('throws for an array config', () => {
    expect(caught<MegaError>(() => buildLoggerOptions([])).code).toBe('MEGA_CONFIG_INVALID')
  })
})

describe('pretty stdout (MEGA_LOG_PRETTY)', () => {
  const stdoutTarget = (config: MegaLoggerConfig, env: NodeJS.ProcessEnv) =>
    buildLoggerOptions(config, { env })!.transport.targets[0]!.target

  it('is JSON unless MEGA_LOG_PRETTY=1, and the config wins over the environment', () => {
    expect(stdoutTarget({}, {})).toBe('pino/file')
    expect(stdoutTarget({}, { MEGA_LOG_PRETTY: '0' })).toBe('pino/file')
    expect(stdoutTarget({}, { MEGA_LOG_PRETTY: '1' })).toMatch(/pino-pretty/)
    expect(stdoutTarget({ sinks: { stdout: { pretty: false } } }, { MEGA_LOG_PRETTY: '1' })).toBe(
      'pino/file',
    )
  })

  it('writes one readable line per record from a real process', async () => {
    const built = new URL('../dist/index.js', import.meta.url).href
    const script = `const { createLogger } = await import(${JSON.stringify(built)})
const log = createLogger({ level: 'info' })
log.info({ user: 7 }, 'hello pretty')
await new Promise((r) => setTimeout(r, 300))`
    const { stdout } = await execFileAsync(
      process.execPath,
      ['--input-type=module', '-e', script],
      {
        env: { ...process.env, MEGA_LOG_PRETTY: '1' },
      },
    )
    const line = stdout.split('\n').find((l) => l.includes('hello pretty'))
    expect(line).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: hello pretty$/)
    expect(stdout).toContain('user: 7')
    expect(() => JSON.parse(line!) as unknown).toThrow()
  })
})

describe('buildTargets', () => {
  it('builds stdout, file and telegram targets with levels and resolved options', () => {
    const targets = buildTargets(
      {
        stdout: { level: 'warn' },
        file: { path: './logs/app.log' },
        telegram: { botToken: 't', chatId: '@ops', throttleMax: 5 },
      },
      'debug',
    )
    expect(targets).toEqual([
      { target: 'pino/file', level: 'warn', options: { destination: 1 } },
      {
        target: 'pino/file',
        level: 'debug',
        options: { destination: './logs/app.log', mkdir: true },
      },
      {
        target: TELEGRAM_TRANSPORT_TARGET,
        level: 'error',
        options: {
          botToken: 't',
          chatId: '@ops',
          level: 'error',
          serviceName: 'mega',
          retryDir: './logs/telegram-retry',
          retryDrainMs: 30_000,
          retryMaxEntries: 5000,
          retryMaxAgeMs: 86_400_000,
          throttleMax: 5,
          throttleWindowMs: 60_000,
          apiBaseUrl: 'https://api.telegram.org',
        },
      },
    ])
  })

  it('prints stdout through pino-pretty when asked, keeping its level', () => {
    const [target] = buildTargets({ stdout: { level: 'warn', pretty: true } })
    expect(target).toMatchObject({
      target: expect.stringMatching(/pino-pretty/) as string,
      level: 'warn',
      options: { destination: 1, ignore: 'pid,hostname' },
    })
    expect(structuredClone(target)).toEqual(target)
  })

  it('points the telegram target at the transport module next to the logger', () => {
    expect(TELEGRAM_TRANSPORT_TARGET).toMatch(/^file:\/\/.*\/telegram\/telegram-transport\.js$/)
  })

  it('passes only serialisable options to the worker thread', () => {
    const [target] = buildTargets({ stdout: false, telegram: { botToken: 't', chatId: 1 } })
    expect(structuredClone(target)).toEqual(target)
  })

  it('gives the telegram target options the transport itself accepts', async () => {
    const [target] = buildTargets({ stdout: false, telegram: { botToken: 't', chatId: 1 } })
    const httpsRequest = () => Promise.resolve({ statusCode: 200 })
    const timers = { setInterval: () => ({}), clearInterval: () => undefined }
    const options = target!.options as TelegramTransportOptions
    const stream = telegramTransport({ ...options, httpsRequest, timers })
    const closed = once(stream, 'close')
    stream.end()
    await closed
  })

  it('throws MEGA_CONFIG_INVALID for a telegram sink without a token', () => {
    const err = caught<MegaError>(() => buildTargets({ telegram: { chatId: 1 } as never }))
    expect(err.issues?.map((i) => i.path)).toEqual(['logger.sinks.telegram.botToken'])
  })
})

describe('createLogger', () => {
  it('returns a disabled logger when config is not an object', () => {
    expect(createLogger(false).isLevelEnabled('fatal')).toBe(false)
  })

  it('adds requestId from runWithLogContext to every line, across awaits and child loggers', async () => {
    const { logger, lines } = capture({})
    await runWithLogContext({ requestId: 'req-1' }, async () => {
      logger.info('start')
      await sleep(1)
      logger.child({ module: 'db' }).warn('slow')
    })
    logger.info('outside')
    expect(lines.map((l) => l.requestId)).toEqual(['req-1', 'req-1', undefined])
  })

  it('lets an inner context add to the outer one', () => {
    runWithLogContext({ requestId: 'outer' }, () => {
      runWithLogContext({}, () => expect(getLogContext()).toEqual({ requestId: 'outer' }))
      runWithLogContext({ requestId: 'inner' }, () =>
        expect(getLogContext()).toEqual({ requestId: 'inner' }),
      )
    })
  })

  it('leaves requestId out when includeRequestId is false', () => {
    const { logger, lines } = capture({ includeRequestId: false })
    runWithLogContext({ requestId: 'req-1' }, () => logger.info('x'))
    expect(lines[0]).not.toHaveProperty('requestId')
  })

  it('adds the trace fields of the trace mixin to every line', () => {
    let span: Record<string, string> = {}
    const { logger, lines } = capture({}, { traceMixin: () => span })
    logger.info('no span')
    span = { trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) }
    runWithLogContext({ requestId: 'r' }, () => logger.child({ c: 1 }).error('in span'))
    expect(lines[0]).not.toHaveProperty('trace_id')
    expect(lines[1]).toMatchObject({ requestId: 'r', ...span })
  })

  it('uses the tracing logMixin by default (no trace fields without an active span)', () => {
    const { logger, lines } = capture({})
    logger.info('x')
    expect(Object.keys(lines[0]!).filter((k) => k.endsWith('_id'))).toEqual([])
  })

  it("never hands pino the trace mixin's own object (pino merges each line into it)", () => {
    const shared = Object.freeze({ trace_id: 't', span_id: 's' })
    for (const includeRequestId of [true, false]) {
      const { logger, lines } = capture({ includeRequestId }, { traceMixin: () => shared })
      logger.info({ a: 1 }, 'one')
      logger.info({ b: 2 }, 'two')
      expect(lines[1]).not.toHaveProperty('a')
      expect(lines[1]).toMatchObject(shared)
    }
  })

  it('applies the level', () => {
    const { logger, lines } = capture({ level: 'warn' })
    logger.info('hidden')
    logger.warn('shown')
    expect(lines.map((l) => l.msg)).toEqual(['shown'])
  })
})
