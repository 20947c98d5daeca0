import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import pino, { type Logger } from 'pino'
import { describe, expect, it } from 'vitest'
import { tempDir } from '@mega/test-utils'
import { DEFAULT_REDACT_PATHS, buildLoggerOptions, createLogger } from '../src/logger.js'
import telegramTransport, {
  TELEGRAM_RETRY_FILE,
  type HttpSender,
} from '../src/telegram/telegram-transport.js'

const run = promisify(execFile)
const CHILD = fileURLToPath(new URL('./fixtures/logger-stdout-child.mjs', import.meta.url))

/** One secret per default redact path, each unique so any leak is found by a plain search. */
function secretPayload() {
  const s = (name: string) => `SECRET-${name}-${randomUUID()}`
  const payload = {
    req: {
      headers: { authorization: s('authorization'), cookie: s('cookie'), host: 'example.test' },
    },
    user: {
      name: 'ada',
      password: s('password'),
      token: s('token'),
      secret: s('secret'),
      accessToken: s('accessToken'),
      refreshToken: s('refreshToken'),
      apiKey: s('apiKey'),
    },
  }
  const secrets = [
    ...Object.values(payload.user).slice(1),
    payload.req.headers.authorization,
    payload.req.headers.cookie,
  ]
  return { payload, secrets }
}

/** Every default path, read from a parsed line, must hold the censor. */
function expectRedacted(line: Record<string, unknown>) {
  const record = line as {
    req: { headers: Record<string, unknown> }
    user: Record<string, unknown>
  }
  const at = (path: string) =>
    path.startsWith('*.') ? record.user[path.slice(2)] : record.req.headers[path.split('.')[2]!]
  for (const path of DEFAULT_REDACT_PATHS) expect(at(path), path).toBe('[Redacted]')
  expect(record.user.name).toBe('ada')
  expect(record.req.headers.host).toBe('example.test')
}

function expectNoSecret(output: string, secrets: readonly string[]) {
  expect(output.length).toBeGreaterThan(0)
  for (const secret of secrets) expect(output).not.toContain(secret)
}

async function closeTransport(logger: Logger): Promise<void> {
  const stream = (logger as unknown as Record<symbol, Writable>)[pino.symbols.streamSym]!
  const closed = once(stream, 'close')
  stream.end()
  await closed
}

describe('default redaction reaches no sink', () => {
  it('covers exactly the documented default paths', () => {
    expect(DEFAULT_REDACT_PATHS).toEqual([
      'req.headers.authorization',
      'req.headers.cookie',
      '*.password',
      '*.token',
      '*.secret',
      '*.accessToken',
      '*.refreshToken',
      '*.apiKey',
    ])
  })

  it('a destination stream receives no secret', async () => {
    const { payload, secrets } = secretPayload()
    const lines: string[] = []
    const destination = new Writable({
      write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()),
    })
    const logger = createLogger({ redact: ['user.name.first'] }, { destination })
    logger.info(payload, 'signed in')
    logger.child({ module: 'auth' }).warn(payload)
    await new Promise<void>((resolve) => destination.end(resolve))
    expect(lines).toHaveLength(2)
    expectNoSecret(lines.join(''), secrets)
    for (const line of lines) expectRedacted(JSON.parse(line) as Record<string, unknown>)
  })

  it('the stdout sink (pino/file on fd 1 in a child process) receives no secret', async () => {
    const { payload, secrets } = secretPayload()
    const { mixin: _mixin, ...options } = buildLoggerOptions({ sinks: { stdout: true } })!
    const { stdout } = await run(process.execPath, [CHILD], {
      env: {
        ...process.env,
        MEGA_LOGGER_OPTIONS: JSON.stringify(options),
        MEGA_LOGGER_PAYLOAD: JSON.stringify(payload),
      },
    })
    expectNoSecret(stdout, secrets)
    const lines = stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    expectRedacted(JSON.parse(lines[0]!) as Record<string, unknown>)
  })

  it('the file sink (a real pino transport) receives no secret', async () => {
    const { payload, secrets } = secretPayload()
    const path = join(await tempDir(), 'logs', 'app.log')
    const logger = createLogger({ sinks: { stdout: false, file: { path } } })
    logger.error(payload, 'payload with secrets')
    await closeTransport(logger)
    const output = await readFile(path, 'utf8')
    expectNoSecret(output, secrets)
    expectRedacted(JSON.parse(output.trim()) as Record<string, unknown>)
  })

  it('the telegram sink posts no secret, nor queues one for retry', async () => {
    const { payload, secrets } = secretPayload()
    const retryDir = await tempDir()
    const bodies: string[] = []
    const httpsRequest: HttpSender = (_url, body) => {
      bodies.push(body)
      return Promise.resolve({ statusCode: bodies.length === 1 ? 200 : 500 })
    }
    const stream = telegramTransport({
      botToken: 't',
      chatId: 1,
      retryDir,
      httpsRequest,
      stderr: { write: () => true },
    })
    const logger = createLogger(
      { sinks: { stdout: false, telegram: { botToken: 't', chatId: 1 } } },
      { destination: stream },
    )
    logger.error(payload, 'posted')
    logger.fatal(payload, 'refused, then queued')
    const closed = once(stream, 'close')
    stream.end()
    await closed
    expect(bodies).toHaveLength(2)
    expectNoSecret(bodies.join('\n'), secrets)
    for (const body of bodies)
      expect((JSON.parse(body) as { text: string }).text).toContain('"password": "[Redacted]"')
    expectNoSecret(await readFile(join(retryDir, TELEGRAM_RETRY_FILE), 'utf8'), secrets)
  })
})
