import type { CompiledQuery, OperationNode } from 'kysely'

/** The statement kinds query metrics are labelled with. */
export const SQL_OPERATIONS = ['select', 'insert', 'update', 'delete', 'other'] as const

/** One of {@link SQL_OPERATIONS}. */
export type SqlOperation = (typeof SQL_OPERATIONS)[number]

/** What a query's metrics and span may say about it: its kind and table, never its values. */
export interface SqlQueryFacts {
  /** The metric label: `select`, `insert`, `update`, `delete` or `other`. */
  readonly operation: SqlOperation
  /** `db.operation.name`: the statement's keyword (`SELECT`, `BEGIN`, `CREATE`...). */
  readonly keyword: string
  /** `db.collection.name`: the table, when Kysely's syntax tree names one (raw SQL: none). */
  readonly table: string | undefined
}

const NODE_OPERATIONS: Readonly<Record<string, SqlOperation>> = {
  SelectQueryNode: 'select',
  InsertQueryNode: 'insert',
  UpdateQueryNode: 'update',
  DeleteQueryNode: 'delete',
}

const KEYWORD_OPERATIONS: Readonly<Record<string, SqlOperation>> = {
  SELECT: 'select',
  INSERT: 'insert',
  UPDATE: 'update',
  DELETE: 'delete',
}

interface NodeFields {
  readonly kind?: string
  readonly table?: NodeFields
  readonly into?: NodeFields
  readonly from?: { readonly froms?: readonly NodeFields[] }
  readonly node?: NodeFields
  readonly schema?: { readonly name?: string }
  readonly identifier?: { readonly name?: string }
}

/** The name of a `TableNode` (or of the table under an alias), schema-qualified when it is. */
function tableName(node: NodeFields | undefined): string | undefined {
  if (node?.kind === 'AliasNode') return tableName(node.node)
  if (node?.kind !== 'TableNode') return undefined
  const name = node.table?.identifier?.name
  const schema = node.table?.schema?.name
  return name === undefined || schema === undefined ? name : `${schema}.${name}`
}

function tableOf(root: NodeFields): string | undefined {
  return tableName(root.into) ?? tableName(root.table) ?? tableName(root.from?.froms?.[0])
}

/**
 * The first word of the SQL: always a keyword (a statement never starts with a value), so it is
 * safe to report; anything else is `OTHER`.
 */
function firstKeyword(sql: string): string {
  const match = /^\s*\(*\s*([A-Za-z]+)/.exec(sql)
  return match?.[1]?.toUpperCase() ?? 'OTHER'
}

/**
 * Reads the kind and table of a compiled query from Kysely's syntax tree; raw SQL gives its first
 * keyword and no table. Bound values and the SQL text itself are never returned.
 *
 * @example
 * sqlQueryFacts(db.selectFrom('users').selectAll().compile()) // { operation: 'select', keyword: 'SELECT', table: 'users' }
 */
export function sqlQueryFacts(query: CompiledQuery): SqlQueryFacts {
  const root = query.query as OperationNode & NodeFields
  const fromNode = NODE_OPERATIONS[root.kind]
  const keyword = fromNode === undefined ? firstKeyword(query.sql) : fromNode.toUpperCase()
  const operation = fromNode ?? KEYWORD_OPERATIONS[keyword] ?? 'other'
  return { operation, keyword, table: root.kind === 'RawNode' ? undefined : tableOf(root) }
}
