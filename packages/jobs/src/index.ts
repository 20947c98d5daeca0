// @mega/jobs: the public API, named explicitly.
export { megaDrivers } from './drivers.js'
export { natsDriver } from './bus/nats/nats-driver.js'
export { NatsBusAdapter } from './bus/nats/nats-bus-adapter.js'
export type { NatsBusScope } from './bus/nats/nats-bus-adapter.js'
export type { NatsConnect } from './bus/nats/nats-connection.js'
export type { NatsBusOptions } from './bus/nats/nats-options.js'
export { JOBS_ERRORS, JOBS_ERROR_CODES } from './errors.js'
export type { JobsErrorCode } from './errors.js'
