import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { needsRuntimeZod, toJsonSchema } from '../src/router/zod-json-schema.js'

describe('needsRuntimeZod', () => {
  it('sees through z.lazy to what it resolves to', () => {
    expect(needsRuntimeZod(z.object({ id: z.lazy(() => z.uuid()) }))).toBe(false)
    expect(
      needsRuntimeZod(z.object({ id: z.lazy(() => z.string().refine((s) => s !== 'x')) })),
    ).toBe(true)
  })

  it('stops on a recursive schema', () => {
    interface Node {
      name: string
      children: Node[]
    }
    const node: z.ZodType<Node> = z.object({
      name: z.string(),
      children: z.array(z.lazy(() => node)),
    })
    expect(needsRuntimeZod(node)).toBe(false)
    expect(toJsonSchema(node, 'input')).toMatchObject({ type: 'object' })
  })
})
