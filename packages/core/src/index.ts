export { MegaError, MegaConfigError, toMegaError, defineErrors } from '@mega/observe'
export type { MegaErrorOptions, MegaIssue, ErrorFactory, ErrorTable } from '@mega/observe'
export {
  CORE_ERRORS,
  CORE_ERROR_CODES,
  HttpError,
  BadRequestError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  GoneError,
  ValidationError,
  TooManyRequestsError,
  InternalServerError,
  ServiceUnavailableError,
} from './errors.js'
export type { CoreErrorCode, HttpErrorClass, HttpErrorOptions } from './errors.js'
export { ok, fail, REQUEST_ID_HEADER } from './http/envelope.js'
export type {
  SuccessEnvelope,
  FailureEnvelope,
  Envelope,
  EnvelopeError,
  ProblemDetails,
} from './http/envelope.js'
export type { HttpOptions } from './http/create-fastify.js'
export type { TrustProxy } from './http/trust-proxy.js'
export { defineRoutes, action } from './router/define-routes.js'
export { HTTP_METHODS } from './router/route-types.js'
export type { RouteSchema, RouteInput } from './router/route-schema.js'
export type {
  HttpMethod,
  RouteOutput,
  RouteHandler,
  BeforeHook,
  AuthorizeHook,
  InvalidInput,
  OnInvalid,
  RouteOptions,
  RouteDefinition,
  WsRouteDefinition,
  ResourceAction,
  ResourceController,
  GroupOptions,
  ResourceOptions,
  RouteBuilder,
  RouteTable,
} from './router/route-types.js'
export type { MegaContextFeatures, RequestContext } from './app/request-context.js'
export { defineContextFeature } from './app/context-features.js'
export type { ContextFeature, ContextFeatureInfo } from './app/context-features.js'
export type {
  AdapterAccessor,
  AdapterOf,
  AppScope,
  MegaAdapters,
  MegaServices,
  MegaSettings,
} from './app/app-scope.js'
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
export { env, loadEnvFile, testDatabaseUrl } from './config/env.js'
export { loadConfig } from './config/load-config.js'
export type { LoadConfigOptions } from './config/load-config.js'
export { ADAPTER_KINDS } from './adapters/adapter-types.js'
export type {
  AdapterKind,
  AdapterHealth,
  MegaAdapter,
  CacheAdapter,
  CacheLogCreate,
  CacheLogEntry,
  CacheLogOptions,
  CacheLogRead,
  CacheLogState,
  CacheSetOptions,
  CounterState,
  LockAdapter,
  LockHandle,
  SessionAdapter,
  BusAdapter,
  BusMessage,
} from './adapters/adapter-types.js'
export { BaseAdapter, ADAPTER_STATES } from './adapters/base-adapter.js'
export type { AdapterState } from './adapters/base-adapter.js'
export { DriverRegistry } from './adapters/driver-registry.js'
export type { DriverDefinition, DriverContext, DriverImporter } from './adapters/driver-registry.js'
export { AdapterManager } from './adapters/adapter-manager.js'
export type { AdapterConfig, AdapterManagerOptions } from './adapters/adapter-manager.js'
export { instrumentAdapter } from './adapters/instrument/instrument-adapter.js'
export type {
  AdapterInstrumentationOptions,
  AdapterMetricsSink,
} from './adapters/instrument/adapter-telemetry.js'
export { CACHE_OPERATIONS } from './adapters/instrument/cache-instrumentation.js'
export type { CacheOperation } from './adapters/instrument/cache-instrumentation.js'
export {
  LOCK_ACQUIRE_OUTCOMES,
  LOCK_FAILURE_REASONS,
} from './adapters/instrument/lock-instrumentation.js'
export type { LockAcquireOutcome } from './adapters/instrument/lock-instrumentation.js'
export { memoryDriver } from './adapters/memory/memory-driver.js'
export { MemoryCacheAdapter } from './adapters/memory/memory-cache.js'
export { MemoryLockAdapter } from './adapters/memory/memory-lock.js'
export { MemorySessionAdapter } from './adapters/memory/memory-session.js'
export { MemoryBusAdapter } from './adapters/memory/memory-bus.js'
export type { MemoryOptions } from './adapters/memory/memory-options.js'
export { MegaService } from './services/mega-service.js'
export type { ServiceEntry } from './services/mega-service.js'
export { boot, BOOT_STEPS, DEFAULT_DRAIN_TIMEOUT_MS } from './boot/boot.js'
export type { BootOptions, BootStep, AppDefinition, MegaRuntime } from './boot/boot.js'
export type { ConventionModule } from './boot/convention-loader.js'
export { REQUEST_PHASES, HOOK_PHASES } from './pipeline/request-pipeline.js'
export type {
  RequestPhase,
  HookPhase,
  PhaseHookMap,
  ResponseInfo,
} from './pipeline/request-pipeline.js'
export { definePlugin } from './plugins/define-plugin.js'
export type {
  MegaPlugin,
  PluginApi,
  PluginApp,
  RouteDrivers,
  WsRouteDriver,
  WsRouteHooks,
} from './plugins/define-plugin.js'
export { openapi } from './openapi/openapi-plugin.js'
export { DEFAULT_OPENAPI_PATH, DEFAULT_OPENAPI_UI_PATH } from './openapi/openapi-options.js'
export type {
  OpenApiOptions,
  OpenApiInfo,
  OpenApiServer,
  OpenApiImporter,
} from './openapi/openapi-options.js'
export { securedBy } from './openapi/openapi-security.js'
export type { SecurityRequirement, SecurityScheme } from './openapi/openapi-security.js'
export { sessions } from './sessions/sessions-plugin.js'
export { csrf, csrfToken } from './sessions/csrf.js'
export type { CsrfOptions } from './sessions/csrf.js'
export { rateLimit, limitRoute } from './security/rate-limit.js'
export type { LimitRouteOptions, RateLimitOptions } from './security/rate-limit.js'
export { security } from './security/security.js'
export { views, wantsHtml } from './views/views-plugin.js'
export type { ViewsOptions } from './views/views-plugin.js'
export type { SecurityOptions } from './security/security.js'
export {
  DEFAULT_PASSWORD_HASH_PARAMS,
  createPasswordHasher,
  hashPassword,
  needsRehash,
  verifyPassword,
} from './security/password/password-hasher.js'
export type {
  PasswordHasher,
  PasswordHasherOptions,
  PasswordHashInfo,
} from './security/password/password-hasher.js'
export type { ScryptParams } from './security/password/phc-string.js'
export { BRUTE_FORCE_METRIC_NAMES, bruteForce } from './security/brute-force/brute-force.js'
export type {
  BruteForceAttemptOptions,
  BruteForceAttempts,
  BruteForceFailure,
  BruteForceGuard,
  BruteForceKeys,
  BruteForceKeyStatus,
  BruteForceLogger,
  BruteForceStatus,
} from './security/brute-force/brute-force.js'
export { BRUTE_FORCE_DEFAULTS } from './security/brute-force/brute-force-options.js'
export type {
  BruteForceMetricsSink,
  BruteForceOptions,
  LockoutEvent,
} from './security/brute-force/brute-force-options.js'
export type { SessionsOptions } from './sessions/sessions-plugin.js'
export { i18n } from './i18n/i18n-plugin.js'
export { LOCALE_SOURCES } from './i18n/i18n-options.js'
export type { I18nOptions, LocaleSource } from './i18n/i18n-options.js'
export type { RequestI18n, Translate, TranslateParams } from './i18n/translator.js'
export { uploads } from './files/uploads-plugin.js'
export type { UploadsOptions } from './files/uploads-plugin.js'
export { UploadedFile, sanitizeFilename } from './files/uploaded-file.js'
export type { FileCheck } from './files/request-uploads.js'
export { staticFiles } from './files/static-files.js'
export type { StaticFilesOptions } from './files/static-files.js'
export { forms } from './files/forms.js'
export type { FormsOptions } from './files/forms.js'
export { MegaSession } from './sessions/session.js'
export type { MegaSessionData } from './sessions/session.js'
export { revokeSessions } from './sessions/principal.js'
export type {
  SessionPrincipal,
  SessionStoreSource,
  RevokeSessionsOptions,
} from './sessions/principal.js'
export {
  CLUSTER_READY_MESSAGE,
  CLUSTER_SCHEDULINGS,
  CLUSTER_SHUTDOWN_MESSAGE,
  DEFAULT_CLUSTER_GRACE_PERIOD_MS,
  DEFAULT_MAX_RAPID_RESPAWN,
  DEFAULT_MIN_RESPAWN_INTERVAL_MS,
  DEFAULT_WORKER_READY_TIMEOUT_MS,
  ROLLING_RESTART_STATUSES,
} from './cluster/cluster-config.js'
export { MegaCluster, createCluster } from './cluster/mega-cluster.js'
export { onClusterShutdown } from './cluster/cluster-worker.js'
export type { ClusterWorkerProcess } from './cluster/cluster-worker.js'
export type {
  ClusterLogger,
  ClusterModule,
  ClusterProcess,
  ClusterScheduling,
  ClusterTimers,
  ClusterWorker,
  MegaClusterConfig,
  RollingRestartOptions,
  RollingRestartResult,
  RollingRestartStatus,
} from './cluster/cluster-config.js'
export { auth } from './auth/auth-plugin.js'
export { MegaAuth } from './auth/mega-auth.js'
export type { AuthOptions, AuthVia, MegaAuthUser, ResolveUser } from './auth/auth-options.js'
export { requireUser, requireRole, requireAbility } from './auth/auth-guards.js'
export type { RequireUserOptions } from './auth/auth-guards.js'
export { login, logout } from './auth/login.js'
export { AccessTokens } from './auth/access-tokens.js'
export type { CreateAccessTokenOptions, CreatedAccessToken } from './auth/access-tokens.js'
export { ACCESS_TOKEN_PREFIX, DEFAULT_ACCESS_TOKEN_TTL_MS } from './auth/access-token.js'
export type { AccessTokenRecord, AccessTokenStore, NewAccessToken } from './auth/access-token.js'
export { MemoryAccessTokenStore } from './auth/memory-access-token-store.js'
