import { describe, expect, it } from 'vitest'
import { exportNames, importBuilt } from '@mega/test-utils'
import * as source from '../src/index.js'

describe('@mega/observe public exports', () => {
  it('names exactly this API (update the snapshot when the API changes on purpose)', () => {
    expect(exportNames(source)).toMatchInlineSnapshot(`
      [
        "ATTR_DEPLOYMENT_ENVIRONMENT_NAME",
        "CLUSTER_METRICS_COLLECT",
        "CLUSTER_METRICS_REPORT",
        "DEFAULT_CHECK_TIMEOUT_MS",
        "DEFAULT_CLUSTER_METRICS_TIMEOUT_MS",
        "DEFAULT_GRACE_PERIOD_MS",
        "DEFAULT_HARD_KILL_MS",
        "DEFAULT_HISTOGRAM_BUCKETS",
        "DEFAULT_METER_NAME",
        "DEFAULT_REDACT_PATHS",
        "DEFAULT_RETRY_MAX_AGE_MS",
        "DEFAULT_RETRY_MAX_ENTRIES",
        "DEFAULT_SHUTDOWN_SIGNALS",
        "DEFAULT_TELEGRAM_THROTTLE_MAX",
        "DEFAULT_TELEGRAM_THROTTLE_WINDOW_MS",
        "DEFAULT_TRACER_NAME",
        "DEFAULT_WORKER_LABEL",
        "HEALTH_CHECK_KINDS",
        "HEALTH_STATUSES",
        "HealthRegistry",
        "LEVEL_NAMES",
        "LOGGER_LEVELS",
        "LOG_LEVELS",
        "METRIC_NAMES",
        "MegaConfigError",
        "MegaError",
        "MegaHealth",
        "MegaMetrics",
        "MegaShutdown",
        "OBSERVE_ERRORS",
        "OBSERVE_ERROR_CODES",
        "RetryQueue",
        "SHUTDOWN_EXIT_CODES",
        "SHUTDOWN_HOOK_STATUSES",
        "SHUTDOWN_LOG_LEVELS",
        "SHUTDOWN_OUTCOMES",
        "ShutdownCoordinator",
        "TELEGRAM_REPORT_PREFIX",
        "TELEGRAM_RETRY_FILE",
        "TELEGRAM_TRANSPORT_TARGET",
        "TRACING_EXPORTERS",
        "buildLoggerOptions",
        "buildOtelResource",
        "buildTargets",
        "collectClusterMetrics",
        "createHealth",
        "createLogger",
        "createMetrics",
        "createShutdown",
        "createThrottle",
        "createTracer",
        "defineErrors",
        "extractTraceContext",
        "formatMessage",
        "getLogContext",
        "getMetrics",
        "httpsPost",
        "initMetrics",
        "initTracing",
        "injectTraceContext",
        "logMixin",
        "megaLoggerConfigSchema",
        "mergeExpositions",
        "renderPrometheus",
        "runWithLogContext",
        "serveClusterMetrics",
        "shutdownMetrics",
        "shutdownTracing",
        "telegramTransport",
        "toMegaError",
        "tracer",
        "withExtractedContext",
      ]
    `)
  })

  it('the built package a user installs exposes the same API', async () => {
    const built = await importBuilt(new URL('..', import.meta.url).pathname)
    expect(exportNames(built)).toEqual(exportNames(source))
  })
})
