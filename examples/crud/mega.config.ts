import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  auth,
  csrf,
  defineConfig,
  env,
  forms,
  openapi,
  security,
  sessions,
  staticFiles,
  views,
} from '@mega/core'
import type { SqlDbAdapter } from '@mega/db'
import { jobs } from '@mega/jobs'
import { ws } from '@mega/ws'

// SQLite by default (./data/app.sqlite, created with its folder on first start). PostgreSQL is the one
// line below: set DATABASE_URL (in .env or the environment) and the postgres driver is used instead.
const databaseUrl = env('DATABASE_URL', '')

// Several processes: REDIS_URL moves the pages' sessions, the cache and the locks to Redis, so a
// visitor signed in on one process is signed in on all of them (and a schedule tick runs once).
// REDIS_KEY_PREFIX keeps apart the keys of deployments (or test runs) that share one Redis.
const redisUrl = env('REDIS_URL', '')
const redis = {
  driver: 'redis',
  url: redisUrl,
  keyPrefix: env('REDIS_KEY_PREFIX', 'mega'),
} as const

// A WebSocket hub (`mega hub`, @mega/ws-hub) links the processes' live boards: who is viewing and
// note changes reach the viewers on every process, and the hub can move viewers between processes
// (a drained process requeues its sockets with 4503; the page's client reconnects at once).
const wsHubUrl = env('MEGA_WS_HUB_URL', '')
const wsHubToken = env('MEGA_WS_HUB_TOKEN', '')

/** The built browser modules of @mega/ws-client, found through Node's resolver (its package.json). */
function wsClientDist(): URL {
  const manifest = createRequire(import.meta.url).resolve('@mega/ws-client/package.json')
  return new URL('./dist/', pathToFileURL(manifest))
}

// Signs the pages' session cookie. Production must set SESSION_SECRET (32+ characters: `openssl rand
// -base64 48`). The fixed default below is for development and tests only: it is public, so under
// NODE_ENV=production (what `mega start` sets) it is never used; without SESSION_SECRET the process
// signs with a random secret of its own and warns (sign-ins then end at each restart).
const DEV_SESSION_SECRET = 'dev-only-session-secret-not-for-production-use'

function sessionSecret(): string {
  const secret = env('SESSION_SECRET', '')
  if (secret !== '') return secret
  if (env('NODE_ENV', 'development') !== 'production') return DEV_SESSION_SECRET
  process.emitWarning(
    'SESSION_SECRET is not set: the pages sign their session cookie with a random secret of this process, so sign-ins end at restart and are not shared between processes. Set SESSION_SECRET (openssl rand -base64 48).',
    { code: 'CRUD_SESSION_SECRET_MISSING' },
  )
  return randomBytes(48).toString('base64url')
}

export default defineConfig({
  name: 'crud',
  server: { host: env('HOST', '127.0.0.1'), port: env('PORT', 3000) },
  adapters: {
    db: databaseUrl
      ? { driver: 'postgres', url: databaseUrl }
      : { driver: 'sqlite', filename: env('DATABASE_FILE', './data/app.sqlite') },
    cache: redisUrl ? redis : { driver: 'memory' },
    // The pages' cookie sessions (memory: one process; REDIS_URL shares them between processes).
    session: redisUrl ? { ...redis, kind: 'session' } : { driver: 'memory', kind: 'session' },
    // The schedules' lock: each tick runs once (memory: one process; redis: all of them).
    lock: redisUrl ? { ...redis, kind: 'lock' } : { driver: 'memory' },
  },
  logger: { level: env('LOG_LEVEL', 'info') as 'info' },
  metrics: { enabled: true },
  plugins: [
    // Security headers on every response: helmet's, a Content-Security-Policy (openapi() relaxes it
    // for its docs UI only), and `Cache-Control: no-store` where a session, a cookie or a token is.
    security(),
    // GET /openapi.json (and /openapi.yaml): the JSON routes as OpenAPI 3.1; GET /docs: the docs UI.
    // The pages (/web/*) answer HTML, not the envelope: they are left out.
    openapi({
      info: { title: 'Mega CRUD example', version: '0.1.0' },
      exclude: (route) => route.name?.startsWith('web.') === true,
    }),
    // The pages (/web/*): cookie sessions, urlencoded forms, CSRF tokens (csrf() after sessions()),
    // EJS views and a style sheet. Folders are found from this file, not from the current folder,
    // so the app boots the same from `mega start` here and from tests run at the repository root.
    sessions({ secret: sessionSecret() }),
    // ctx.auth: who is signed in, by the pages' session cookie (login(ctx, user)) or an API access
    // token (Authorization: Bearer mat_<id>.<secret>, rows of access_tokens). The guards
    // (requireUser() in http/auth-guards.ts) and the live board's upgrade use it.
    auth({
      resolveUser: (id, ctx) => ctx.services.auth.actor(Number(id)),
      tokens: (ctx) => ctx.services.auth.tokenStore(),
    }),
    // Form posts only under /web: a cross-site "simple" form post to the JSON API is a 415.
    forms({ prefix: '/web' }),
    // Unsafe requests from another origin are refused; every form post under /web needs the token,
    // even without a session yet (sign-in and sign-up forms: no login CSRF).
    csrf({ requireToken: (ctx) => ctx.request.url.startsWith('/web/') }),
    views({
      dir: fileURLToPath(new URL('./apps/main/views', import.meta.url)),
      layout: 'layout.ejs',
    }),
    staticFiles({ root: new URL('./apps/main/public', import.meta.url), prefix: '/assets' }),
    // The browser build of @mega/ws-client (plain ES modules, no bundler), which the live board imports.
    staticFiles({ root: wsClientDist(), prefix: '/vendor/ws-client' }),
    // WebSockets: the live board (`r.ws('/boards/:id/live', BoardChannel)` in routes/live.ts) and
    // `ctx.presence` in handlers, which tell a board's viewers about note changes. Same-origin pages
    // only (a page elsewhere cannot ride the session cookie). One process by default; with
    // MEGA_WS_HUB_URL (and its MEGA_WS_HUB_TOKEN) the processes link through that hub.
    ws(wsHubUrl ? { hub: { url: wsHubUrl, token: wsHubToken } } : {}),
    // apps/main/schedules/*-schedule.ts (the monthly log partition run): loaded here, run by
    // `mega worker` (a web process runs none: jobs({ schedules: { runIn: 'all' } }) would).
    jobs(),
  ],
})

// Types `this.db()` in services and `ctx.db()` in handlers: no `<SqlDbAdapter>` cast anywhere.
declare module '@mega/core' {
  interface MegaAdapters {
    db: SqlDbAdapter
  }
}
