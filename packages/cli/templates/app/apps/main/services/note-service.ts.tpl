import { MegaService, type CacheAdapter } from '@mega/core'

/** A note as the API returns it. */
export interface NoteRow {
  readonly id: number
  readonly text: string
}

/**
 * Notes, kept in the `cache` adapter so a new app runs before its database exists. `mega migrate up`
 * creates the notes table (apps/main/migrations); then switch to
 * `createCrud(Note, this.db())` from @mega/db, as `mega scaffold` does: the routes stay
 * the same.
 */
export default class NoteService extends MegaService {
  async list(): Promise<NoteRow[]> {
    return (await this.cache<CacheAdapter>().get<NoteRow[]>('notes')) ?? []
  }

  async create(text: string): Promise<NoteRow> {
    const notes = await this.list()
    const note = { id: notes.length + 1, text }
    await this.cache<CacheAdapter>().set('notes', [...notes, note])
    return note
  }
}

// Types `ctx.services.note` in every handler.
declare module '@mega/core' {
  interface MegaServices {
    note: NoteService
  }
}
