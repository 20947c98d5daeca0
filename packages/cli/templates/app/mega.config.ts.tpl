import { defineConfig, env, security } from '@mega/core'
import type { {{dbAdapterType}} } from '@mega/db'

{{dbConfigIntro}}
export default defineConfig({
  name: '{{name}}',
  server: { host: env('HOST', '127.0.0.1'), port: env('PORT', 3000) },
  adapters: {
    {{dbAdapter}}
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
    db: {{dbAdapterType}}
  }
}
