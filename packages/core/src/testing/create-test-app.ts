import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { createLogger, createShutdown } from '@mega/observe'
import { boot, type BootOptions, type MegaRuntime } from '../boot/boot.js'

/** Options of {@link createTestApp}: boot options; logging is off unless a `logger` is given. */
export type TestAppOptions = Omit<BootOptions, 'listen' | 'signals' | 'shutdown'>

/** A booted app for tests: `inject()` without a socket, `url()` for a real one on port 0. */
export interface TestApp {
  readonly runtime: MegaRuntime
  inject(options: InjectOptions | string): Promise<LightMyRequestResponse>
  /** Listens on 127.0.0.1, port 0, on first call; resolves the base URL. */
  url(): Promise<string>
  close(): Promise<void>
}

const NO_PROCESS = { on: () => undefined, removeListener: () => undefined, exit: () => undefined }

async function registerTeardown(close: () => Promise<void>): Promise<void> {
  try {
    const vitest = await import('vitest')
    try {
      vitest.onTestFinished(close)
    } catch {
      vitest.afterAll(close)
    }
  } catch {
    // Not under vitest: the caller closes the app.
  }
}

/**
 * Boots an app for a test with its own shutdown coordinator (signals untouched), no listener until
 * `url()` is called, logging off unless a logger is given, and `.ts` route and service files loaded (the test
 * runner compiles them). Under vitest it is closed automatically when the
 * test (or, from `beforeAll`, the file) ends.
 *
 * @example
 * const app = await createTestApp({ root: new URL('..', import.meta.url).pathname })
 * expect((await app.inject('/health/live')).statusCode).toBe(200)
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const shutdown = createShutdown({ process: NO_PROCESS })
  const logger = options.logger ?? createLogger(false)
  const runtime = await boot({ typescript: true, ...options, logger, shutdown, listen: false })
  let listening: Promise<string> | undefined
  const app: TestApp = {
    runtime,
    inject: (opts) => runtime.server.inject(opts),
    url: () => (listening ??= runtime.server.listen({ port: 0, host: '127.0.0.1' })),
    close: () => runtime.close(),
  }
  await registerTeardown(() => app.close())
  return app
}
