import { defineConfig, env } from '@mega/core'

// SQLite by default (./data/app.sqlite, created with its folder on first start). PostgreSQL is the one
// line below: set DATABASE_URL (in .env or the environment) and the postgres driver is used instead.
const databaseUrl = env('DATABASE_URL', '')

export default defineConfig({
  name: 'crud',
  server: { host: env('HOST', '127.0.0.1'), port: env('PORT', 3000) },
  adapters: {
    db: databaseUrl
      ? { driver: 'postgres', url: databaseUrl }
      : { driver: 'sqlite', filename: env('DATABASE_FILE', './data/app.sqlite') },
    cache: { driver: 'memory' },
  },
  logger: { level: env('LOG_LEVEL', 'info') as 'info' },
  metrics: { enabled: true },
})
