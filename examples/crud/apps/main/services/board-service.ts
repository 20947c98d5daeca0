import { MegaService } from '@mega/core'
import { createCrud, type Page } from '@mega/db'
import type { Actor } from '../lib/actor.js'
import { notOwner } from '../lib/crud-errors.js'
import { Board, type BoardRecord } from '../models/board-model.js'

/** Paging of a list call. */
export interface Paging {
  readonly page?: number
  readonly perPage?: number
}

/** Boards: anyone signed in reads them; only the owner changes or deletes one. No HTTP in here. */
export default class BoardService extends MegaService {
  get #boards() {
    return createCrud(Board, this.db())
  }

  /** One page of boards, newest first; `ownerId` narrows to one user's boards. */
  list(query: Paging & { readonly ownerId?: number } = {}): Promise<Page<BoardRecord>> {
    const { ownerId, ...paging } = query
    return this.#boards.list({
      ...(ownerId === undefined ? {} : { filter: { owner_id: ownerId } }),
      sort: ['-id'],
      ...paging,
    })
  }

  /** One board (404 `MEGA_CRUD_NOT_FOUND` when missing). */
  get(id: number): Promise<BoardRecord> {
    return this.#boards.get(id)
  }

  /** A new board owned by the actor. */
  create(actor: Actor, input: { readonly title: string }): Promise<BoardRecord> {
    return this.#boards.create({ owner_id: actor.id, title: input.title })
  }

  /** Renames the board: its owner only (`CRUD_NOT_OWNER` otherwise). */
  async update(actor: Actor, id: number, input: { readonly title?: string }): Promise<BoardRecord> {
    await this.owned(actor, id)
    return input.title === undefined
      ? this.get(id)
      : this.#boards.update(id, { title: input.title })
  }

  /** Deletes the board and its notes: its owner only. */
  async remove(actor: Actor, id: number): Promise<void> {
    await this.owned(actor, id)
    await this.#boards.remove(id)
  }

  /**
   * The board if the actor owns it: 404 `MEGA_CRUD_NOT_FOUND` when missing, 403 `CRUD_NOT_OWNER`
   * when it is someone else's. The pages call it before they read a form (authorize, then validate).
   */
  async owned(actor: Actor, id: number): Promise<BoardRecord> {
    const board = await this.#boards.get(id)
    if (board.owner_id !== actor.id) throw notOwner('board')
    return board
  }
}

declare module '@mega/core' {
  interface MegaServices {
    board: BoardService
  }
}
