// @mega/ws-hub: the central WebSocket hub and its `mega-ws-hub` bin.
export { MegaWsHub } from './mega-ws-hub.js'
export {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_REGISTER_TIMEOUT_MS,
  DEFAULT_HUB_PATH,
  DEFAULT_HUB_PORT,
  DEFAULT_HUB_HOST,
} from './hub-options.js'
export type { MegaWsHubConfig, HubEndpointAccess } from './hub-options.js'
export type {
  HubBridgeInfo,
  HubMemberInfo,
  HubMemberFilter,
  HubDisconnectTarget,
  HubDisconnectOptions,
} from './hub-types.js'
export { WS_HUB_ERRORS, WS_HUB_ERROR_CODES } from './errors.js'
export type { WsHubErrorCode } from './errors.js'
export { runWsHubCli } from './cli/run-ws-hub-cli.js'
export type { RunWsHubCliOptions } from './cli/run-ws-hub-cli.js'
