// The files of `mega generate auth` and `mega new --auth`: a users model and an access-token model,
// the auth service (sign-up, password checks with bruteForce and rehash, API tokens), the JSON API,
// the sign-up / sign-in / sign-out pages with their views, and a test that signs up and in.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { renderTemplateTree, type TemplateFile } from '../templates.js'

/** The layout the auth pages render into: kept as it is when the app already has one. */
const LAYOUT = 'views/layout.ejs'

/**
 * The auth files for `apps/<app>/` (the templates are written for `apps/main/`). An app that already
 * has `views/layout.ejs` keeps it: the pages then render into that layout.
 */
export async function authFiles(root: string, app: string): Promise<TemplateFile[]> {
  const files = await renderTemplateTree('auth', { app })
  return files
    .map((f) => ({ ...f, path: f.path.replace(/^apps\/main\//, `apps/${app}/`) }))
    .filter((f) => !(f.path === `apps/${app}/${LAYOUT}` && existsSync(join(root, f.path))))
}

/**
 * The files `mega new --auth` adds to (or replaces in) the app template: the auth files, a config
 * with the sessions, auth, forms, csrf and views plugins, and the users migration with its journal.
 */
export async function newProjectAuthFiles(vars: Readonly<Record<string, string>>) {
  const overlay = await renderTemplateTree('app-auth', vars)
  return [...(await renderTemplateTree('auth', { app: 'main' })), ...overlay]
}

/** What to add to mega.config.ts by hand after `mega generate auth` (the config is yours). */
export function authNextSteps(app: string): readonly string[] {
  return [
    'add to mega.config.ts (see the @mega/cli README, "mega generate auth"):',
    "  import { fileURLToPath } from 'node:url'",
    "  import { auth, csrf, forms, sessions, views } from '@mega/core'",
    `  import { sessionSecret } from './apps/${app}/lib/session-secret.js'`,
    "  adapters: { session: { driver: 'memory', kind: 'session' } }",
    '  plugins: [',
    '    sessions({ secret: sessionSecret() }),',
    '    auth({',
    '      resolveUser: (id, ctx) => ctx.services.auth.find(Number(id)),',
    '      tokens: (ctx) => ctx.services.auth.tokenStore(),',
    '    }),',
    '    forms(),',
    "    csrf({ requireToken: (ctx) => ctx.request.url.startsWith('/auth/') }),",
    `    views({ dir: fileURLToPath(new URL('./apps/${app}/views', import.meta.url)), layout: 'layout.ejs' }),`,
    '  ]',
    'then: npx mega migrate up, and open /auth/sign-up',
  ]
}
