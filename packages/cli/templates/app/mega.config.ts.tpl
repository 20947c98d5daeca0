import { defineConfig, env, security } from '@mega/core'
import type { SqlDbAdapter } from '@mega/db'

// Everything runs without a server: SQLite for data, memory for the cache. Moving to PostgreSQL or
// Redis is one line each: { driver: 'postgres', url: env('DATABASE_URL') }, { driver: 'redis', url: ... }.
// Tests (NODE_ENV=test) read DATABASE_URL_TEST, else DATABASE_URL's database with "_test" appended.
export default defineConfig({
  name: '{{name}}',
  server: { host: env('HOST', '127.0.0.1'), port: env('PORT', 3000) },
  adapters: {
    db: { driver: 'sqlite', filename: env('DATABASE_FILE', './data/app.sqlite') },
    cache: { driver: 'memory' },
  },
  // Security headers on every response. CORS for a browser app on another origin:
  // security({ cors: { origin: ['https://app.example.com'] } }). Sessions, rate limits, OpenAPI:
  // see the @mega/core README (sessions(), rateLimit(), openapi()).
  plugins: [security()],
})

// Types `this.db()` in services and `ctx.db()` in handlers (add an entry per adapter you use).
declare module '@mega/core' {
  interface MegaAdapters {
    db: SqlDbAdapter
  }
}
