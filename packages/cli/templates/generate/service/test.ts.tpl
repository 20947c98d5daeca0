import { describe, expect, it } from 'vitest'
import { createTestApp } from '@mega/core/testing'

const root = new URL('../..', import.meta.url).pathname

describe('{{Name}}Service', () => {
  it('is created at boot', async () => {
    const app = await createTestApp({ root })
    const scope = app.runtime.server.apps.find((a) => a.name === '{{app}}')?.scope
    expect(await scope?.services.{{camel}}.describe()).toBe('{{name}} service of app {{app}}')
  })
})
