import { col, defineModel } from '@mega/db'{{imports}}

/** The `{{table}}` table: row types, create/update schemas and CRUD come from this definition. */
export const {{Name}} = defineModel('{{table}}', {
  id: col.id(),
{{columns}}
})

export type {{Name}}Record = typeof {{Name}}.$select
