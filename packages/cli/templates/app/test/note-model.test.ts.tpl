import { describe, expect, it } from 'vitest'
import { Note } from '../apps/main/models/note-model.js'

describe('Note model', () => {
  it('validates what a note needs', () => {
    expect(Note.schemas.create.safeParse({ text: 'hi' }).success).toBe(true)
    expect(Note.schemas.create.safeParse({}).success).toBe(false)
  })
})
