import type { z } from 'zod'

// The schemas of a route and the input they type: what the request context needs from the router
// (kept apart from route-types.ts, whose handlers need the request context in turn).

/** zod schemas for each part of a request and for the response data. */
export interface RouteSchema {
  readonly params?: z.ZodType
  readonly query?: z.ZodType
  readonly body?: z.ZodType
  readonly headers?: z.ZodType
  /** Schema of `data` in the success envelope; serialised with Fastify's compiled serialiser. */
  readonly response?: z.ZodType
}

// Non-distributive: an optional schema slot (`ZodType | undefined`) means "no schema" → Fallback.
type Infer<T, Fallback> = [T] extends [z.ZodType] ? z.output<T> : Fallback

/** The typed input of a route, inferred from its schema. */
export interface RouteInput<S extends RouteSchema> {
  readonly params: Infer<S['params'], Readonly<Record<string, string>>>
  readonly query: Infer<S['query'], Readonly<Record<string, unknown>>>
  readonly body: Infer<S['body'], unknown>
  readonly headers: Infer<S['headers'], Readonly<Record<string, string | string[] | undefined>>>
}
