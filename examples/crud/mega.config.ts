import { defineConfig, env, openapi, security } from '@mega/core'

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
  plugins: [
    // Security headers on every response (helmet defaults; the docs UI needs its inline scripts).
    security({ headers: { contentSecurityPolicy: false } }),
    // GET /openapi.json (and /openapi.yaml): the routes as OpenAPI 3.1; GET /docs: the docs UI.
    openapi({ info: { title: 'Mega CRUD example', version: '0.1.0' } }),
  ],
})
