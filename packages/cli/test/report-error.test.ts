import { describe, expect, it } from 'vitest'
import { boot, env } from '@mega/core'
import { MegaError } from '@mega/observe'
import { caught } from '@mega/test-utils'
import { EXIT_CODES, reportError } from '../src/internal/report-error.js'
import { memoryIo } from './helpers/memory-io.js'

describe('reportError', () => {
  it("prints a boot failure's config issue once (its message already shows it)", async () => {
    const err = await caught(() =>
      boot({
        config: { name: 'x', logger: false, server: { port: -1 } },
        listen: false,
        importer: () => Promise.resolve(undefined),
      }),
    )
    expect(MegaError.is(err) && err.code).toBe('MEGA_BOOT_FAILED')
    const m = memoryIo('/')
    expect(reportError(err, m.io)).toBe(EXIT_CODES.failed)
    const issue = (err as MegaError).issues?.[0]
    expect(issue).toBeDefined()
    const line = `${issue!.path}: ${issue!.message}`
    expect(m.stderr.split(line)).toHaveLength(2)
  })

  it('a missing variable read by env() is reported once', () => {
    const err = caught(() => env('MEGA_TEST_SURELY_UNSET_VARIABLE'))
    const m = memoryIo('/')
    reportError(err, m.io)
    expect(m.stderr.split('is not set and has no default')).toHaveLength(2)
  })

  it('prints the issues a message does not show, one per line', () => {
    const err = new MegaError('MEGA_CONFIG_INVALID', 'Invalid config', {
      issues: [{ path: 'server.port', message: 'expected a number' }],
    })
    const m = memoryIo('/')
    reportError(err, m.io)
    expect(m.stderr).toBe(
      'error Invalid config\n(MEGA_CONFIG_INVALID)\n  - server.port: expected a number\n',
    )
  })
})
