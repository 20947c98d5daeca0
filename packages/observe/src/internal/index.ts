// @mega/observe/internal: helpers for sibling @mega packages and for the sinks' own tests.
// Unstable: may change in any release, without a major version. Users import from '@mega/observe'.
export { parseOptions, zodIssues } from './zod-issues.js'
export { LEVEL_NAMES, levelValue } from '../log-levels.js'
export {
  RetryQueue,
  createThrottle,
  formatMessage,
  TELEGRAM_MAX_TEXT,
} from '../telegram/telegram-core.js'
export type { RetryQueueOptions, Throttle } from '../telegram/telegram-core.js'
export { httpsPost } from '../telegram/telegram-transport.js'
export type { HttpsPostOptions, RequestFn } from '../telegram/telegram-transport.js'
export { mergeExpositions } from '../cluster-metrics.js'
export type { WorkerExposition } from '../cluster-metrics.js'
