import { fileURLToPath } from 'node:url'
import { auth, csrf, defineConfig, env, forms, security, sessions, views } from '@mega/core'
import type { {{dbAdapterType}} } from '@mega/db'
import { sessionSecret } from './apps/main/lib/session-secret.js'

{{dbConfigIntro}}
// The sessions live in memory too: { driver: 'redis', kind: 'session', url: ... } to share them.
export default defineConfig({
  name: '{{name}}',
  server: { host: env('HOST', '127.0.0.1'), port: env('PORT', 3000) },
  adapters: {
    {{dbAdapter}}
    cache: { driver: 'memory' },
    // The pages' cookie sessions (one process; redis or file from @mega/db to share them).
    session: { driver: 'memory', kind: 'session' },
  },
  plugins: [
    // Security headers on every response. CORS, rate limits, OpenAPI: see the @mega/core README.
    security(),
    // The pages (/auth/*): cookie sessions, urlencoded forms, a CSRF token on every form post.
    sessions({ secret: sessionSecret() }),
    // ctx.auth: who is signed in, by the pages' session cookie (login(ctx, user)) or an API token
    // (Authorization: Bearer mat_<id>.<secret>, rows of access_tokens).
    auth({
      resolveUser: (id, ctx) => ctx.services.auth.find(Number(id)),
      tokens: (ctx) => ctx.services.auth.tokenStore(),
    }),
    // Urlencoded form posts (the pages and `mega scaffold`'s forms).
    forms(),
    // Unsafe requests from another origin are refused; a form post needs the page's token (under
    // /auth always, even before sign-in: no login CSRF).
    csrf({ requireToken: (ctx) => ctx.request.url.startsWith('/auth/') }),
    views({
      dir: fileURLToPath(new URL('./apps/main/views', import.meta.url)),
      layout: 'layout.ejs',
    }),
  ],
})

// Types `this.db()` in services and `ctx.db()` in handlers (add an entry per adapter you use).
declare module '@mega/core' {
  interface MegaAdapters {
    db: {{dbAdapterType}}
  }
}
