import { MegaService, NotFoundError, type CacheAdapter } from '@mega/core'

/** A note as the API returns it. */
export interface Note {
  readonly id: number
  readonly text: string
}

/** Notes kept in the `cache` adapter (memory here; one config line moves it to Redis). */
export default class NoteService extends MegaService {
  #nextId = 1

  async list(): Promise<Note[]> {
    const ids = (await this.cache<CacheAdapter>().get<number[]>('note-ids')) ?? []
    const notes = await Promise.all(
      ids.map((id) => this.cache<CacheAdapter>().get<Note>(`note:${id}`)),
    )
    return notes.filter((n): n is Note => n !== undefined)
  }

  async get(id: number): Promise<Note> {
    const note = await this.cache<CacheAdapter>().get<Note>(`note:${id}`)
    if (note === undefined) throw new NotFoundError(`No note ${id}: list them at GET /notes.`)
    return note
  }

  async create(text: string): Promise<Note> {
    const note = { id: this.#nextId++, text }
    const cache = this.cache<CacheAdapter>()
    await cache.set(`note:${note.id}`, note)
    await cache.set('note-ids', [...((await cache.get<number[]>('note-ids')) ?? []), note.id])
    return note
  }
}

// Types `ctx.services.note` in every handler.
declare module '@mega/core' {
  interface MegaServices {
    note: NoteService
  }
}
