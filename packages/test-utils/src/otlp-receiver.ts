import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { disposeAfterTest } from './disposable.js'

/** A span as an OTLP/HTTP JSON export carried it, with its attributes as a plain object. */
export interface ReceivedSpan {
  readonly traceId: string
  readonly spanId: string
  /** `undefined` for a root span. */
  readonly parentSpanId: string | undefined
  readonly name: string
  /** OTLP `SpanKind`: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number
  /** The instrumentation scope that made it (`@mega/observe`, `@opentelemetry/instrumentation-undici`). */
  readonly scope: string
  /** `service.name` of its resource. */
  readonly serviceName: string | undefined
  /** Every attribute of its resource (`service.name` included). */
  readonly resource: Readonly<Record<string, unknown>>
  readonly attributes: Readonly<Record<string, unknown>>
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  readonly statusCode: number
}

/** A local OTLP/HTTP trace receiver (JSON encoding); see {@link startOtlpReceiver}. */
export interface OtlpReceiver {
  /** The base URL, for `OTEL_EXPORTER_OTLP_ENDPOINT` (the exporter adds `/v1/traces`). */
  readonly url: string
  /** Every span received so far, in arrival order. */
  readonly spans: readonly ReceivedSpan[]
  /** The first span matching `match`, waiting for exports until `timeoutMs`. */
  waitForSpan(match: (span: ReceivedSpan) => boolean, timeoutMs?: number): Promise<ReceivedSpan>
  close(): Promise<void>
}

interface OtlpValue {
  readonly stringValue?: string
  readonly intValue?: string | number
  readonly doubleValue?: number
  readonly boolValue?: boolean
}
interface OtlpAttribute {
  readonly key: string
  readonly value?: OtlpValue
}
interface OtlpSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId?: string
  readonly name: string
  readonly kind?: number
  readonly attributes?: readonly OtlpAttribute[]
  readonly status?: { readonly code?: number }
}
interface OtlpExport {
  readonly resourceSpans?: readonly {
    readonly resource?: { readonly attributes?: readonly OtlpAttribute[] }
    readonly scopeSpans?: readonly {
      readonly scope?: { readonly name?: string }
      readonly spans?: readonly OtlpSpan[]
    }[]
  }[]
}

function valueOf(value: OtlpValue | undefined): unknown {
  if (value === undefined) return undefined
  if (value.intValue !== undefined) return Number(value.intValue)
  return value.stringValue ?? value.doubleValue ?? value.boolValue
}

function attributesOf(list: readonly OtlpAttribute[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((a) => [a.key, valueOf(a.value)]))
}

function spansOf(body: OtlpExport): ReceivedSpan[] {
  return (body.resourceSpans ?? []).flatMap((rs) => {
    const resource = attributesOf(rs.resource?.attributes)
    const serviceName = resource['service.name'] as string | undefined
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId:
          s.parentSpanId === undefined || s.parentSpanId === '' ? undefined : s.parentSpanId,
        name: s.name,
        kind: s.kind ?? 0,
        scope: ss.scope?.name ?? '',
        serviceName,
        resource,
        attributes: attributesOf(s.attributes),
        statusCode: s.status?.code ?? 0,
      })),
    )
  })
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Starts an OTLP/HTTP receiver on a free local port, closed when the current test ends. It accepts
 * `POST /v1/traces` in the JSON encoding (what `@opentelemetry/exporter-trace-otlp-http` sends) and
 * answers 415 to protobuf, so a test sees the spans an app really exported, not a mock exporter's.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = []
  const waiters = new Set<() => void>()
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const json = (req.headers['content-type'] ?? '').includes('json')
    if (req.method !== 'POST' || req.url !== '/v1/traces' || !json) {
      res.writeHead(req.method === 'POST' ? 415 : 404).end()
      return
    }
    spans.push(...spansOf(JSON.parse(await readBody(req)) as OtlpExport))
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    for (const wake of waiters) wake()
  }
  const server = createServer((req, res) => void handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  disposeAfterTest(close)
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    close,
    waitForSpan(match, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = spans.find(match)
          if (found === undefined) return
          clearTimeout(timer)
          waiters.delete(check)
          resolve(found)
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(
            new Error(
              `no matching span in ${timeoutMs} ms; received: ${JSON.stringify(spans.map((s) => s.name))}`,
            ),
          )
        }, timeoutMs)
        waiters.add(check)
        check()
      })
    },
  }
}

/**
 * The status of a GET sent with `node:http`: in a test process whose `fetch` is instrumented, `fetch`
 * would add a `traceparent` of its own next to the one the test sends.
 */
export function getStatusUntraced(
  url: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
    }).on('error', reject)
  })
}
