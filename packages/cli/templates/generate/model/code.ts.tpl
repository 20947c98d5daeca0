import { col, defineModel } from '@mega/db'

/** The `{{table}}` table: row types, create/update schemas and CRUD come from this definition. */
export const {{Name}} = defineModel('{{table}}', {
  id: col.id(),
  name: col.string(255),
})

export type {{Name}}Record = typeof {{Name}}.$select
