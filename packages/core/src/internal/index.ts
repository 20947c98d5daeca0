// @mega/core/internal: helpers for sibling @mega packages (the CLI finds and boots a project with
// them). Unstable: may change in any release, without a major version. Users import from '@mega/core'.
export { CONFIG_FILES } from '../config/load-config.js'
export { KNOWN_DRIVER_PACKAGES, importFromRoot } from '../adapters/driver-registry.js'
export { subjectMatches } from '../adapters/memory/memory-bus.js'
export { serviceNameFromFile } from '../services/mega-service.js'
export { orderPlugins } from '../plugins/define-plugin.js'
