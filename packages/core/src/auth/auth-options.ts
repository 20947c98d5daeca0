import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'
import type { RequestContext } from '../app/request-context.js'
import type { SessionPrincipal } from '../sessions/principal.js'
import type { AccessTokenStore } from './access-token.js'

/**
 * The signed-in user as the app types it (`ctx.auth.user`). Augment it with your user's shape:
 * `declare module '@mega/core' { interface MegaAuthUser { id: number; email: string } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface MegaAuthUser {}

/** How the request was authenticated: the cookie session or a bearer access token. */
export type AuthVia = 'session' | 'token'

/** Loads the user a principal (session or token) stands for; `undefined` when it is gone. */
export type ResolveUser = (
  principal: SessionPrincipal,
  ctx: RequestContext,
) => MegaAuthUser | undefined | Promise<MegaAuthUser | undefined>

const fn = <F>(what: string) =>
  z.custom<F>((v) => typeof v === 'function', { message: `must be a function: ${what}` })

const store = z.custom<AccessTokenStore>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    ['create', 'find', 'revoke', 'touch'].every(
      (m) => typeof (v as Record<string, unknown>)[m] === 'function',
    ),
  { message: 'must be an AccessTokenStore (create, find, revoke, touch) or (ctx) => store' },
)

const optionsSchema = z
  .object({
    resolveUser: fn<ResolveUser>('(principal, ctx) => user | undefined'),
    session: z.boolean().default(true),
    tokens: z
      .union([store, fn<(ctx: RequestContext) => AccessTokenStore>('(ctx) => AccessTokenStore')])
      .optional(),
    signInPage: z
      .string()
      .regex(/^\/(?!\/)/, 'a path on this site, starting with one "/"')
      .optional(),
    principalOf: fn<(user: MegaAuthUser) => SessionPrincipal>('(user) => user.id').optional(),
    rolesOf: fn<(user: MegaAuthUser) => readonly string[]>('(user) => user.roles').optional(),
    now: fn<() => Date>('() => new Date()').optional(),
  })
  .strict()
  .refine((o) => o.session || o.tokens !== undefined, {
    message: 'give tokens (an AccessTokenStore) when session is false: no strategy would be left',
    path: ['tokens'],
  })

/** Options of {@link auth}. */
export interface AuthOptions {
  /** Loads the user of a principal (the id given to `login`, or a token's owner) from your model. */
  readonly resolveUser: ResolveUser
  /** The cookie-session strategy (needs the `sessions()` plugin). @default true */
  readonly session?: boolean
  /**
   * The bearer strategy: `Authorization: Bearer mat_<id>.<secret>` verified against this store (or
   * the store for a request's context, e.g. one over the app's database). @default none
   */
  readonly tokens?: AccessTokenStore | ((ctx: RequestContext) => AccessTokenStore)
  /** `requireUser()` answers `303` to this page for requests that accept HTML. @default none (401) */
  readonly signInPage?: string
  /** The principal `login(ctx, user)` stores. @default (user) => user.id */
  readonly principalOf?: (user: MegaAuthUser) => SessionPrincipal
  /** The roles `requireRole` checks. @default (user) => user.roles (a list) or [user.role] */
  readonly rolesOf?: (user: MegaAuthUser) => readonly string[]
  /** The clock for token expiry (a seam for tests). @default () => new Date() */
  readonly now?: () => Date
}

/** The options resolved and frozen. */
export interface AuthConfig {
  readonly resolveUser: ResolveUser
  readonly session: boolean
  readonly tokens: ((ctx: RequestContext) => AccessTokenStore) | undefined
  readonly signInPage: string | undefined
  readonly principalOf: (user: MegaAuthUser) => SessionPrincipal
  readonly rolesOf: (user: MegaAuthUser) => readonly string[]
  readonly now: () => Date
}

function defaultPrincipalOf(user: MegaAuthUser): SessionPrincipal {
  return (user as { id?: SessionPrincipal }).id as SessionPrincipal
}

function defaultRolesOf(user: MegaAuthUser): readonly string[] {
  const { roles, role } = user as { roles?: unknown; role?: unknown }
  if (Array.isArray(roles)) return roles.filter((r): r is string => typeof r === 'string')
  return typeof role === 'string' ? [role] : []
}

/** Validates and freezes the options (`MEGA_CONFIG_INVALID` listing every problem). */
export function resolveAuthOptions(options: AuthOptions): AuthConfig {
  const o = parseOptions(optionsSchema, options, 'auth options')
  const tokens = o.tokens
  return Object.freeze({
    resolveUser: o.resolveUser,
    session: o.session,
    tokens: tokens === undefined ? undefined : typeof tokens === 'function' ? tokens : () => tokens,
    signInPage: o.signInPage,
    principalOf: o.principalOf ?? defaultPrincipalOf,
    rolesOf: o.rolesOf ?? defaultRolesOf,
    now: o.now ?? (() => new Date()),
  })
}
