import { describe, expect, it, vi } from 'vitest'
import type { WsMessageContext } from '@mega/ws'
import { {{Name}}Channel } from '../../apps/{{app}}/channels/{{name}}-channel.js'

describe('{{Name}}Channel', () => {
  it('broadcasts {{name}}.said and answers how many got it', async () => {
    const broadcast = vi.fn(async () => 2)
    const ctx = { presence: { broadcast } } as unknown as WsMessageContext
    const reply = await new {{Name}}Channel().onMessage('{{name}}.say', { text: 'hi' }, ctx)
    expect(reply).toEqual({ sent: 2 })
    expect(broadcast).toHaveBeenCalledWith('{{name}}.said', { text: 'hi' })
  })

  it('refuses an empty text', () => {
    const schema = {{Name}}Channel.messages['{{name}}.say']
    expect(schema?.safeParse({ text: '' }).success).toBe(false)
  })
})
