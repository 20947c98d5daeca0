import { defineContextFeature } from '../app/context-features.js'
import { definePlugin, type MegaPlugin } from '../plugins/define-plugin.js'
import { resolveAuthOptions, type AuthOptions } from './auth-options.js'
import { MegaAuth } from './mega-auth.js'

declare module '../app/request-context.js' {
  interface MegaContextFeatures {
    /** The request's authentication, with the `auth()` plugin: `ctx.auth.user`, `check()`... */
    auth: MegaAuth
  }
}

const authFeature = defineContextFeature('auth', {
  plugin: 'auth',
  hint: 'add auth({ resolveUser }) to plugins in mega.config.ts (after sessions({ secret }) for the cookie strategy).',
})

/**
 * Authentication for Mega apps: a typed `ctx.auth` (`user`, `check()`, `userOrFail()`, `can()`),
 * `login(ctx, user)` / `logout(ctx)`, and the guards `requireUser()`, `requireRole()` and
 * `requireAbility()` for routes and WebSocket upgrades. Two strategies: the cookie session (the
 * principal `login` stored, needs `sessions()`) and bearer access tokens (`tokens`: an
 * {@link AccessTokenStore}). The app's `resolveUser` turns a principal into its user, so core never
 * touches a database.
 *
 * @example
 * declare module '@mega/core' {
 *   interface MegaAuthUser { id: number; email: string; roles: string[] }
 * }
 * defineConfig({
 *   plugins: [
 *     sessions({ secret: env('SESSION_SECRET') }),
 *     auth({ resolveUser: (id, ctx) => ctx.services.user.find(Number(id)) }),
 *   ],
 * })
 * // r.get('/me', { before: [requireUser()] }, (ctx) => ctx.auth.userOrFail())
 */
export function auth(options: AuthOptions): MegaPlugin {
  const config = resolveAuthOptions(options)
  return definePlugin({
    name: 'auth',
    dependsOn: config.session ? ['sessions'] : [],
    setup(api) {
      authFeature.provide(api.fastify, (ctx) => new MegaAuth(ctx, config))
    },
  })
}
