export {
  MegaError,
  MegaConfigError,
  toMegaError,
  OBSERVE_ERRORS,
  OBSERVE_ERROR_CODES,
} from './errors.js'
export type { MegaErrorOptions, MegaErrorJSON, MegaIssue, ObserveErrorCode } from './errors.js'
export { defineErrors } from './define-errors.js'
export type {
  ErrorArgs,
  ErrorCreateOptions,
  ErrorCreateRest,
  ErrorDefinition,
  ErrorFactory,
  ErrorMessageTemplate,
  ErrorTable,
} from './define-errors.js'
export {
  createShutdown,
  MegaShutdown,
  ShutdownCoordinator,
  DEFAULT_GRACE_PERIOD_MS,
  DEFAULT_HARD_KILL_MS,
  DEFAULT_SHUTDOWN_SIGNALS,
  SHUTDOWN_EXIT_CODES,
  SHUTDOWN_HOOK_STATUSES,
  SHUTDOWN_OUTCOMES,
  SHUTDOWN_LOG_LEVELS,
} from './shutdown.js'
export type {
  ShutdownConfig,
  ShutdownProcess,
  ProcessListener,
  ShutdownLogger,
  ShutdownLogLevel,
  ShutdownHook,
  ShutdownHookContext,
  ShutdownHookResult,
  ShutdownHookStatus,
  ShutdownOutcome,
  ShutdownReport,
  SetupSignalsOptions,
  GlobalErrorHandlersOptions,
  ShutdownNowOptions,
} from './shutdown.js'
export type { TimerSeam } from './internal/settle-within.js'
export {
  createHealth,
  MegaHealth,
  HealthRegistry,
  DEFAULT_CHECK_TIMEOUT_MS,
  HEALTH_CHECK_KINDS,
  HEALTH_STATUSES,
} from './health.js'
export type {
  HealthCheck,
  HealthCheckKind,
  HealthCheckOptions,
  HealthCheckResult,
  HealthConfig,
  HealthReport,
  HealthStatus,
  ReadinessReport,
} from './health.js'
export { buildOtelResource, ATTR_DEPLOYMENT_ENVIRONMENT_NAME } from './otel-resource.js'
export type { OtelResourceOptions, OtelAttributeValue } from './otel-resource.js'
export { METRIC_NAMES } from './metric-names.js'
export type { MetricName } from './metric-names.js'
export {
  MegaMetrics,
  createMetrics,
  initMetrics,
  getMetrics,
  renderPrometheus,
  shutdownMetrics,
  DEFAULT_METER_NAME,
  DEFAULT_HISTOGRAM_BUCKETS,
} from './metrics.js'
export type {
  MetricsOptions,
  MetricLabels,
  InstrumentOptions,
  HistogramOptions,
  ObservableGaugeOptions,
  GaugeObserver,
  GaugeObservation,
  CounterHandle,
  UpDownCounterHandle,
  HistogramHandle,
  GaugeHandle,
  ObservableGaugeHandle,
} from './metrics.js'
export {
  serveClusterMetrics,
  collectClusterMetrics,
  CLUSTER_METRICS_COLLECT,
  CLUSTER_METRICS_REPORT,
  DEFAULT_CLUSTER_METRICS_TIMEOUT_MS,
  DEFAULT_WORKER_LABEL,
} from './cluster-metrics.js'
export type {
  ClusterMetricsRequest,
  ClusterMetricsReport,
  ClusterMetricsChannel,
  ClusterMetricsWorker,
  ClusterMetricsTimers,
  ServeClusterMetricsOptions,
  CollectClusterMetricsOptions,
  ClusterMetricsResult,
} from './cluster-metrics.js'
export {
  initTracing,
  shutdownTracing,
  tracer,
  createTracer,
  injectTraceContext,
  extractTraceContext,
  withExtractedContext,
  logMixin,
  TRACING_EXPORTERS,
  DEFAULT_TRACER_NAME,
} from './tracing.js'
export type {
  TracingOptions,
  TracingExporter,
  MegaTracer,
  TracerOptions,
  TraceHeaders,
  TraceLogFields,
} from './tracing.js'
export {
  readTracingEnv,
  TRACING_ENV_IGNORED,
  TRACING_PROPAGATORS,
  TRACING_SAMPLERS,
} from './tracing-env.js'
export type {
  TracingEnv,
  TracingEnvSettings,
  TracingEnvWarning,
  TracingPropagator,
  TracingSampler,
} from './tracing-env.js'
export { startHttpServerSpan } from './http-server-span.js'
export type { HttpHeaders, HttpServerRequest, HttpServerSpan } from './http-server-span.js'
export {
  DEFAULT_REDACT_PATHS,
  LOG_PRETTY_ENV,
  LOGGER_LEVELS,
  TELEGRAM_TRANSPORT_TARGET,
  buildLoggerOptions,
  buildTargets,
  createLogger,
  getLogContext,
  megaLoggerConfigSchema,
  runWithLogContext,
} from './logger.js'
export type {
  BuildLoggerSeams,
  CreateLoggerSeams,
  LogContext,
  LogMixin,
  MegaLogLevel,
  MegaLoggerConfig,
  MegaLoggerOptions,
  MegaLoggerSinks,
  RedactCensor,
} from './logger.js'
export { LOG_LEVELS } from './log-levels.js'
export type { LogLevelName } from './log-levels.js'
export {
  DEFAULT_RETRY_MAX_AGE_MS,
  DEFAULT_RETRY_MAX_ENTRIES,
  DEFAULT_TELEGRAM_THROTTLE_MAX,
  DEFAULT_TELEGRAM_THROTTLE_WINDOW_MS,
} from './telegram/telegram-core.js'
export type { TelegramSinkConfig } from './telegram/telegram-core.js'
export {
  default as telegramTransport,
  DEFAULT_TELEGRAM_RETRY_AFTER_SEC,
  TELEGRAM_PERMANENT_STATUSES,
  TELEGRAM_REPORT_PREFIX,
  TELEGRAM_RETRY_FILE,
} from './telegram/telegram-transport.js'
export type {
  HttpSender,
  HttpSendResult,
  ReportWriter,
  TelegramTransportOptions,
  TransportTimers,
} from './telegram/telegram-transport.js'
