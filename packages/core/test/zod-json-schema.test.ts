import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createApp, defineRoutes } from '../src/index.js'
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

  it('serves recursive and shared (.meta id) response schemas: definitions move up to the envelope', async () => {
    interface Node {
      name: string
      children: Node[]
    }
    const node: z.ZodType<Node> = z.object({
      name: z.string(),
      children: z.array(z.lazy(() => node)),
    })
    const tree = { name: 'root', children: [{ name: 'leaf', children: [] }] }
    const user = z.object({ name: z.string() }).meta({ id: 'User' })
    const pair = z.object({ owner: user, editor: user })
    const server = createApp({
      routes: defineRoutes((r) => {
        r.get('/tree', { schema: { response: node } }, () => tree)
        r.get('/pair', { schema: { response: pair } }, () => ({
          owner: { name: 'Ada', secret: 'x' },
          editor: { name: 'Bob' },
        }))
      }),
    })
    const res = await server.inject('/tree')
    const shared = await server.inject('/pair')
    await server.close()
    expect(res.json()).toEqual({ ok: true, data: tree })
    expect(shared.json().data).toEqual({ owner: { name: 'Ada' }, editor: { name: 'Bob' } })
  })
})
