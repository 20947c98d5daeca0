import { defineConfig, env, security } from '@mega/core'

// Everything runs without a server: SQLite for data, memory for the cache. Moving to PostgreSQL or
// Redis is one line each: { driver: 'postgres', url: env('DATABASE_URL') }, { driver: 'redis', url: ... }.
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
