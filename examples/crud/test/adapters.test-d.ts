// Type test (checked by `pnpm typecheck`): mega.config.ts declares the app's adapters once, so
// services and handlers reach them typed, with no cast.
import { expectTypeOf } from 'vitest'
import type { RequestContext } from '@mega/core'
import type { SqlDbAdapter } from '@mega/db'
import type BoardService from '../apps/main/services/board-service.js'

declare const ctx: RequestContext
declare const boards: BoardService

expectTypeOf(ctx.db()).toEqualTypeOf<SqlDbAdapter>()
expectTypeOf(boards.db()).toEqualTypeOf<SqlDbAdapter>()
