import { boot } from '@mega/core'

// Compiled to dist/: the config, routes and services sit next to this file there.
const runtime = await boot({ root: import.meta.dirname, signals: true })
runtime.log.info(`try: curl ${runtime.url}/notes`)
