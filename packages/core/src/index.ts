export { MegaError, MegaConfigError, toMegaError } from '@mega/observe'
export type { MegaErrorOptions, MegaIssue } from '@mega/observe'
export {
  CORE_ERROR_CODES,
  HttpError,
  BadRequestError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  ValidationError,
  TooManyRequestsError,
  InternalServerError,
  ServiceUnavailableError,
} from './errors.js'
export type { CoreErrorCode, HttpErrorOptions } from './errors.js'
export { ok, fail, REQUEST_ID_HEADER } from './http/envelope.js'
export type {
  SuccessEnvelope,
  FailureEnvelope,
  Envelope,
  EnvelopeError,
  ProblemDetails,
} from './http/envelope.js'
export type { HttpOptions } from './http/create-fastify.js'
export { defineRoutes } from './router/define-routes.js'
export { HTTP_METHODS } from './router/route-types.js'
export type {
  HttpMethod,
  RouteSchema,
  RouteInput,
  RouteOutput,
  RouteHandler,
  BeforeHook,
  RouteOptions,
  RouteDefinition,
  WsRouteDefinition,
  ResourceAction,
  ResourceController,
  GroupOptions,
  RouteBuilder,
  RouteTable,
} from './router/route-types.js'
export type { RequestContext } from './app/request-context.js'
export type { AppScope, MegaServices } from './app/app-scope.js'
export { MegaApp } from './app/mega-app.js'
export type { MegaAppOptions } from './app/mega-app.js'
export { MegaServer, createApp } from './app/mega-server.js'
export type {
  MegaServerOptions,
  ListenOptions,
  RouteInfo,
  CreateAppOptions,
} from './app/mega-server.js'
export { defineConfig } from './config/define-config.js'
export { megaConfigSchema } from './config/config-schema.js'
export type { MegaConfig, MegaConfigInput } from './config/config-schema.js'
export { env, loadEnvFile } from './config/env.js'
export { loadConfig, CONFIG_FILES } from './config/load-config.js'
export type { LoadConfigOptions } from './config/load-config.js'
