import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    env: { DATABASE_FILE: ':memory:' },
    // @mega/core imports the app's .ts config, routes and services, and @mega/db its .ts migrations:
    // vitest compiles them when it runs these packages itself instead of handing them to Node (which
    // cannot load .ts on Node 20).
    server: { deps: { inline: ['@mega/core', '@mega/db'] } },
  },
})
