// The name a generated migration gets when its caller gives none: what the operations do, in words
// (`create-links-and-users`, `add-email-to-users`, `create-links-and-drop-notes`, `change-users`).
import type { MigrationOperation } from './migration-types.js'

/** How many names are listed before the rest is counted (`a-b-and-3-more`). */
const LISTED = 3

const kebab = (name: string) => name.replace(/_/g, '-').toLowerCase()

/** `a`, `a-and-b`, `a-b-and-c`, `a-b-and-2-more-<noun>` (past three). */
function list(names: readonly string[], noun: string): string {
  const items = names.map(kebab)
  if (items.length <= 1) return items.join('')
  if (items.length <= LISTED) return `${items.slice(0, -1).join('-')}-and-${items.at(-1) ?? ''}`
  return `${items.slice(0, LISTED - 1).join('-')}-and-${items.length - LISTED + 1}-more-${noun}`
}

const unique = (names: readonly string[]) => [...new Set(names)]

function tableOf(op: MigrationOperation): string | undefined {
  if (op.op === 'createTable') return op.table.name
  if (op.op === 'renameTable') return op.to
  return op.op === 'raw' ? undefined : op.table
}

/**
 * The name of a migration made of `operations`, kebab-case: the created tables (`create-links`,
 * `create-links-and-users`, `create-links-users-and-tags`, past three `create-a-b-and-2-more-tables`),
 * the dropped ones (`drop-notes`), columns added to one table (`add-email-to-users`, past three
 * `add-4-columns-to-users`), two of these joined (`create-links-and-drop-notes`), else
 * `change-<tables>` (`change-users`). An index created with its new table or columns is not named.
 *
 * @example
 * migrationNameFor([{ op: 'createTable', table: links }]) // 'create-links'
 */
export function migrationNameFor(operations: readonly MigrationOperation[]): string {
  const created = operations.flatMap((op) => (op.op === 'createTable' ? [op.table.name] : []))
  const dropped = operations.flatMap((op) => (op.op === 'dropTable' ? [op.table] : []))
  const added = operations.flatMap((op) => (op.op === 'addColumn' ? [op] : []))
  const addedTo = unique(added.map((op) => op.table))
  // Indexes of a new table or of new columns come with them; any other operation is a change.
  const incidental = (op: MigrationOperation) =>
    op.op === 'createIndex' &&
    (created.includes(op.table) ||
      (addedTo.includes(op.table) &&
        op.index.columns.every((c) =>
          added.some((a) => a.table === op.table && a.column.name === c),
        )))
  const other = operations.filter(
    (op) => !['createTable', 'dropTable', 'addColumn'].includes(op.op) && !incidental(op),
  )
  const phrases: string[] = []
  if (created.length > 0) phrases.push(`create-${list(created, 'tables')}`)
  if (dropped.length > 0) phrases.push(`drop-${list(dropped, 'tables')}`)
  if (addedTo.length === 1) {
    const columns = added.map((op) => op.column.name)
    const what = columns.length > LISTED ? `${columns.length}-columns` : list(columns, 'columns')
    phrases.push(`add-${what}-to-${kebab(addedTo[0] ?? '')}`)
  }
  if (other.length === 0 && addedTo.length <= 1 && phrases.length > 0 && phrases.length <= 2)
    return phrases.join('-and-')
  const tables = unique(operations.flatMap((op) => tableOf(op) ?? []))
  return tables.length === 0 ? 'change-schema' : `change-${list(tables, 'tables')}`
}
