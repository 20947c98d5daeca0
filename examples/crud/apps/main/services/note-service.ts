import { MegaService } from '@mega/core'
import { createCrud, type Page } from '@mega/db'
import type { Actor } from '../lib/actor.js'
import { notOwner } from '../lib/crud-errors.js'
import { Note, type NoteRecord } from '../models/note-model.js'
import type { Paging } from './board-service.js'

/** What a new note needs. */
export interface NewNote {
  readonly title: string
  readonly body: string
  /** An http(s) URL (the route checks it with `z.httpUrl()`). */
  readonly link?: string | undefined
}

/**
 * Notes on boards: anyone signed in reads them and writes on any board; only a note's author changes
 * it; its author or the board's owner (who moderates their board) deletes it. No HTTP in here.
 */
export default class NoteService extends MegaService {
  get #notes() {
    return createCrud(Note, this.db())
  }

  /** One page of a board's notes, oldest first (404 when the board does not exist). */
  async list(boardId: number, paging: Paging = {}): Promise<Page<NoteRecord>> {
    await this.services.board.get(boardId)
    return this.#notes.list({ filter: { board_id: boardId }, sort: ['id'], ...paging })
  }

  /** One note (404 `MEGA_CRUD_NOT_FOUND` when missing). */
  get(id: number): Promise<NoteRecord> {
    return this.#notes.get(id)
  }

  /** A new note on a board, written by the actor (404 when the board does not exist). */
  async create(actor: Actor, boardId: number, input: NewNote): Promise<NoteRecord> {
    await this.services.board.get(boardId)
    return this.#notes.create({ board_id: boardId, author_id: actor.id, ...input })
  }

  /** Changes the note: its author only (`CRUD_NOT_OWNER` otherwise). */
  async update(actor: Actor, id: number, input: Partial<NewNote>): Promise<NoteRecord> {
    await this.#authored(actor, id)
    return Object.keys(input).length === 0 ? this.get(id) : this.#notes.update(id, input)
  }

  /**
   * Deletes the note: its author, or the owner of its board (`CRUD_NOT_OWNER` otherwise). Resolves
   * the deleted note (its `board_id` says which board's viewers to tell).
   */
  async remove(actor: Actor, id: number): Promise<NoteRecord> {
    const note = await this.#notes.get(id)
    if (note.author_id !== actor.id) {
      const board = await this.services.board.get(note.board_id)
      if (board.owner_id !== actor.id) throw notOwner('note')
    }
    await this.#notes.remove(id)
    return note
  }

  async #authored(actor: Actor, id: number): Promise<NoteRecord> {
    const note = await this.#notes.get(id)
    if (note.author_id !== actor.id) throw notOwner('note')
    return note
  }
}

declare module '@mega/core' {
  interface MegaServices {
    note: NoteService
  }
}
