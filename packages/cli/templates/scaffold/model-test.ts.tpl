import { describe, expect, it } from 'vitest'
import { {{Name}} } from '../../apps/{{app}}/models/{{name}}-model.js'

const valid = {{modelInput}}

describe('{{Name}} model', () => {
  it('accepts valid input', () => {
    expect({{Name}}.schemas.create.safeParse(valid).success).toBe(true)
  })

  it('refuses a field it does not declare', () => {
    expect({{Name}}.schemas.create.safeParse({ ...valid, nope: 1 }).success).toBe(false)
  })
})
