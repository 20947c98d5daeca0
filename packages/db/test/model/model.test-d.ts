// Type tests, checked by `tsc -p tsconfig.json` (pnpm typecheck / pnpm check).
import type { z } from 'zod'
import { expectTypeOf } from 'vitest'
import { col } from '../../src/model/column.js'
import { defineModel } from '../../src/model/define-model.js'
import type { IntegerColumn } from '../../src/crud/crud.js'
import type { Kysely } from 'kysely'
import type { DatabaseOf } from '../../src/model/database-of.js'

const Org = defineModel('orgs', { id: col.id('uuid'), name: col.string() })
const User = defineModel(
  'users',
  {
    id: col.id(),
    email: col.string(255),
    bio: col.text().nullable(),
    role: col.enum(['user', 'admin']).default('user'),
    prefs: col.json<{ theme: string }>(),
    orgId: col.references(() => Org),
    at: col.timestamp(),
  },
  { softDelete: true },
)

type Row = typeof User.$select
expectTypeOf<Row>().toEqualTypeOf<{
  id: number
  email: string
  bio: string | null
  role: 'user' | 'admin'
  prefs: { theme: string }
  orgId: string
  at: Date
  created_at: Date
  updated_at: Date
  deleted_at: Date | null
}>()

expectTypeOf<typeof User.$insert>().toEqualTypeOf<{
  email: string
  prefs: { theme: string }
  orgId: string
  at: Date
  bio?: string | null
  role?: 'user' | 'admin'
}>()

const NoTs = defineModel('plain', { id: col.id(), n: col.integer() }, { timestamps: false })
expectTypeOf<typeof NoTs.$select>().toEqualTypeOf<{ id: number; n: number }>()
expectTypeOf<typeof Org.$idType>().toEqualTypeOf<string>()

const update: typeof User.$update = { bio: null }
// @ts-expect-error -- the generated id cannot be updated
const badUpdate: typeof User.$update = { id: 2 }
// @ts-expect-error -- a wrong field name fails to compile
const badRow: Partial<Row> = { emial: 'x' }
void [update, badUpdate, badRow, User, NoTs]

// The derived schemas carry the model's types, so a route body typed from them is the insert type.
expectTypeOf<z.output<typeof User.schemas.create>>().toEqualTypeOf<typeof User.$insert>()
expectTypeOf<z.output<typeof User.schemas.update>>().toEqualTypeOf<typeof User.$update>()

// `increment` takes only the columns whose values are numbers (integer and, refused at run time, id).
const Counter = defineModel('counters', {
  id: col.id(),
  hits: col.integer(),
  views: col.integer().nullable(),
  name: col.string(),
  big: col.bigint(),
})
expectTypeOf<IntegerColumn<typeof Counter>>().toEqualTypeOf<'id' | 'hits' | 'views'>()
expectTypeOf(Counter.table).toBeString()

// DatabaseOf: the Kysely DB type from the models (a tuple, or an object such as a module namespace).
type DB = DatabaseOf<[typeof Org, typeof User]>
expectTypeOf<keyof DB>().toEqualTypeOf<'orgs' | 'users'>()
expectTypeOf<
  DatabaseOf<{ Org: typeof Org; User: typeof User; helper: () => void }>
>().toEqualTypeOf<DB>()
declare const kysely: Kysely<DB>
// Reads have the row types; joins across models type-check.
expectTypeOf(
  await kysely
    .selectFrom('users')
    .innerJoin('orgs', 'orgs.id', 'users.orgId')
    .select(['users.email', 'users.bio', 'orgs.name'])
    .executeTakeFirstOrThrow(),
).toEqualTypeOf<{ email: string; bio: string | null; name: string }>()
// Inserts may leave out what the database or Mega fills (id, defaults, nullable, timestamps)…
kysely
  .insertInto('users')
  .values({ email: 'a@b.c', prefs: { theme: 'dark' }, orgId: 'o', at: new Date() })
// …but not a required column.
// @ts-expect-error email is required
kysely.insertInto('users').values({ prefs: { theme: 'dark' }, orgId: 'o', at: new Date() })
// @ts-expect-error no such table
kysely.selectFrom('posts')
