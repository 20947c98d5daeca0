import { describe, expect, it, vi } from 'vitest'
import type { AppScope } from '@mega/core'
import {{Name}}Job from '../../apps/{{app}}/jobs/{{name}}-job.js'

describe('{{Name}}Job', () => {
  it('runs on the {{name}} subject, retried 3 times', () => {
    expect({{Name}}Job.retries).toBe(3)
  })

  it('logs the payload it runs', async () => {
    const info = vi.fn()
    const ctx = { log: { info } } as unknown as AppScope
    await new {{Name}}Job().run({ id: 7 }, ctx)
    expect(info).toHaveBeenCalledWith({ id: 7 }, '{{name}} ran')
  })
})
