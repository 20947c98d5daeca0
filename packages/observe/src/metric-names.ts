/**
 * The standard metrics every Mega package records, so dashboards work across apps. Names are
 * Prometheus-style and valid OpenTelemetry instrument names at once, so what the exporter renders is
 * exactly the name declared here. Units and labels are listed in the README.
 */
export const METRIC_NAMES = {
  httpRequests: 'mega_http_requests_total',
  httpRequestDuration: 'mega_http_request_duration_seconds',
  wsConnections: 'mega_ws_connections',
  wsMessages: 'mega_ws_messages_total',
  wsCloses: 'mega_ws_closes_total',
  jobsEnqueued: 'mega_jobs_enqueued_total',
  jobsStarted: 'mega_jobs_started_total',
  jobsCompleted: 'mega_jobs_completed_total',
  jobsFailed: 'mega_jobs_failed_total',
  jobsRetried: 'mega_jobs_retried_total',
  jobsDeadLettered: 'mega_jobs_dead_lettered_total',
  jobDuration: 'mega_job_duration_seconds',
  dbQueryDuration: 'mega_db_query_duration_seconds',
  dbQueryErrors: 'mega_db_query_errors_total',
  dbPoolConnections: 'mega_db_pool_connections',
  dbPoolPendingRequests: 'mega_db_pool_pending_requests',
  cacheHits: 'mega_cache_hits_total',
  cacheMisses: 'mega_cache_misses_total',
  cacheErrors: 'mega_cache_errors_total',
  lockAcquireDuration: 'mega_lock_acquire_duration_seconds',
  lockFailures: 'mega_lock_failures_total',
  clusterWorkers: 'mega_cluster_workers',
} as const

/** One of the {@link METRIC_NAMES} values. */
export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES]
