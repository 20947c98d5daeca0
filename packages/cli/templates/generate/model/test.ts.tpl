import { describe, expect, it } from 'vitest'
import { {{Name}} } from '../../apps/{{app}}/models/{{name}}-model.js'

describe('{{Name}} model', () => {
  it('accepts a valid {{name}}', () => {
    expect({{Name}}.schemas.create.safeParse({ name: 'first' }).success).toBe(true)
  })

  it('refuses a {{name}} without a name', () => {
    expect({{Name}}.schemas.create.safeParse({}).success).toBe(false)
  })
})
