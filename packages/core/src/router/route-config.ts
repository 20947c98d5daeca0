import type { AppScope } from '../app/app-scope.js'
import type { InvalidAnswerSource, ValidationIssuesSource } from '../http/error-handler.js'
import type { RouteDefinition } from './route-types.js'

/** What a Mega route keeps in Fastify's route config, for global hooks and error handling. */
export interface MegaRouteConfig {
  readonly megaRouteName: string | undefined
  readonly megaScope: AppScope
  /** The declared route (its name, summary, tags, status and zod schemas: what OpenAPI reads). */
  readonly megaRoute: RouteDefinition
  /** Set when a part of the route is also parsed by zod: see {@link ValidationIssuesSource}. */
  readonly megaRefusedIssues?: ValidationIssuesSource['megaRefusedIssues']
  /** Set when the route has `onInvalid`: see {@link InvalidAnswerSource}. */
  readonly megaOnInvalid?: InvalidAnswerSource['megaOnInvalid']
}
