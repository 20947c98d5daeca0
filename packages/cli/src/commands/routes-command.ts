import type { RouteInfo } from '@mega/core'
import { createColors, type Colors, type CliIo } from '../io.js'
import { bootQuietly, findProjectRoot, type BootFn } from '../internal/project.js'
import type { ParsedArgs } from '../options.js'

/** The schema parts a route can declare, in the order the table shows them. */
export const ROUTE_SCHEMA_PARTS = ['params', 'query', 'body', 'headers', 'response'] as const

/** One row of `mega routes`. */
export interface RouteRow {
  /** The HTTP method, or `WS` for a WebSocket route. */
  readonly method: string
  readonly path: string
  readonly name: string | null
  readonly app: string
  readonly kind: 'http' | 'ws'
  readonly summary: string | null
  /** Which of {@link ROUTE_SCHEMA_PARTS} the route declares. */
  readonly schemas: readonly string[]
  /** The names of its `before` hooks, in the order they run. */
  readonly before: readonly string[]
  /** A WebSocket route's channel (its class name), `null` otherwise. */
  readonly channel: string | null
}

function toRow(route: RouteInfo): RouteRow {
  const schema = route.schema as Readonly<Record<string, unknown>>
  return {
    method: route.kind === 'ws' ? 'WS' : route.method,
    path: route.path,
    name: route.name ?? null,
    app: route.app,
    kind: route.kind,
    summary: route.summary ?? null,
    schemas: ROUTE_SCHEMA_PARTS.filter((part) => schema[part] !== undefined),
    before: route.before ?? [],
    channel: route.kind === 'ws' ? (route.channel ?? 'anonymous channel') : null,
  }
}

/**
 * Boots the app at `root` without listening, reads `server.routes()` and closes it again.
 *
 * @example
 * const rows = await listRoutes({ root: process.cwd() })
 */
export async function listRoutes(options: { readonly root: string }, bootFn?: BootFn) {
  const runtime = await bootQuietly(options.root, bootFn)
  try {
    return runtime.server.routes().map(toRow)
  } finally {
    await runtime.close()
  }
}

/** The route table as aligned text columns. */
export function formatRouteTable(rows: readonly RouteRow[], c: Colors): string {
  if (rows.length === 0) return 'No routes: add one under apps/<app>/routes/.\n'
  const all = rows.map((r) => [
    r.method,
    r.path,
    r.channel ?? '',
    r.name ?? '',
    r.app,
    r.before.join(','),
    r.schemas.join(','),
  ])
  const titles = ['METHOD', 'PATH', 'CHANNEL', 'NAME', 'APP', 'BEFORE', 'SCHEMAS']
  // A column nobody fills (no WebSocket route, no hooks) is left out.
  const shown = titles.map((_, i) => i < 2 || all.some((row) => row[i] !== ''))
  const header = titles.filter((_, i) => shown[i])
  const cells = all.map((row) => row.filter((_, i) => shown[i]))
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)))
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  return `${c.bold(line(header))}\n${cells.map(line).join('\n')}\n`
}

/** `mega routes [--json]`. */
export async function routesCommand(
  parsed: ParsedArgs<'routes'>,
  io: CliIo,
  bootFn?: BootFn,
): Promise<number> {
  const root = findProjectRoot(io.cwd, parsed.options.root, 'routes')
  const rows = await listRoutes({ root }, bootFn)
  io.stdout(
    parsed.options.json
      ? `${JSON.stringify(rows, null, 2)}\n`
      : formatRouteTable(rows, createColors(io)),
  )
  return 0
}
