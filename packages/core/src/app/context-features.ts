import type { FastifyInstance, FastifyRequest } from 'fastify'
import { type MegaError } from '@mega/observe'
import {
  CONTEXT_FIELDS,
  HttpContext,
  type MegaContextFeatures,
  type RequestContext,
} from './request-context.js'
import { CORE_ERRORS } from '../errors.js'

/**
 * The request property holding the values features were given for this request: declared on every
 * request by `createFastify` (`null`, so requests keep one shape), a map once a feature is set.
 */
export const FEATURES = 'megaFeatures'

type Slot = Map<string, unknown>
type Factory = (ctx: RequestContext) => unknown

interface WithFeatures {
  [FEATURES]?: Slot | null
}

/** Where `provide` keeps a server's factories (children of the instance see it through its prototype). */
const PROVIDERS = Symbol.for('mega.context.providers')

interface WithProviders {
  [PROVIDERS]?: Map<string, Factory>
}

/** How core explains a feature read without its plugin. */
export interface ContextFeatureInfo {
  /** The plugin (or package) that provides the feature, e.g. `sessions`. */
  readonly plugin: string
  /** What to do to get it, e.g. `add sessions({ secret }) to plugins in mega.config.ts.` */
  readonly hint: string
}

/** The handle a feature's owner uses to give the feature its value. */
export interface ContextFeature<K extends keyof MegaContextFeatures> {
  /** The name on `ctx`. */
  readonly name: K
  /** Gives this request's value (e.g. the session loaded in an `onRequest` hook). */
  set(request: FastifyRequest, value: MegaContextFeatures[K]): void
  /**
   * Makes the feature available on every request of this server, built at the first read in a
   * request from its context (and kept for the rest of the request).
   */
  provide(fastify: FastifyInstance, factory: (ctx: RequestContext) => MegaContextFeatures[K]): void
}

function invalid(message: string): MegaError {
  return CORE_ERRORS.create('MEGA_PLUGIN_INVALID', [message])
}

function setValue(request: FastifyRequest, name: string, value: unknown): void {
  const holder = request as WithFeatures
  ;(holder[FEATURES] ??= new Map()).set(name, value)
}

function missing(name: string, info: ContextFeatureInfo): MegaError {
  return CORE_ERRORS.create('MEGA_CONTEXT_FEATURE_MISSING', [name, info.plugin, info.hint], {
    details: { feature: name, plugin: info.plugin },
  })
}

const declared = new Map<string, ContextFeatureInfo>()

/**
 * Declares `ctx.<name>`, at module level in the module that owns it: core can then explain a read
 * without the plugin (`MEGA_CONTEXT_FEATURE_MISSING`, 500, naming the plugin and the hint) even when
 * the plugin is not installed. The plugin gives the value at setup, per request (`set`) or per
 * server (`provide`). Declaring a name twice, or one the context already has, is
 * `MEGA_PLUGIN_INVALID` (unless the same plugin declares it again: two copies of one package).
 *
 * @example
 * declare module '@mega/core' {
 *   interface MegaContextFeatures { presence: Presence }
 * }
 * const presenceFeature = defineContextFeature('presence', {
 *   plugin: 'presence',
 *   hint: 'add presence() to plugins in mega.config.ts.',
 * })
 * export const presence = () =>
 *   definePlugin({
 *     name: 'presence',
 *     setup: (api) => presenceFeature.provide(api.fastify, (ctx) => new Presence(ctx.identity)),
 *   })
 * // in a handler: ctx.presence.online()
 */
export function defineContextFeature<K extends Extract<keyof MegaContextFeatures, string>>(
  name: K,
  info: ContextFeatureInfo,
): ContextFeature<K> {
  if (typeof name !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(name))
    throw invalid(`A context feature needs an identifier as name (got ${JSON.stringify(name)}).`)
  const earlier = declared.get(name)
  // Two copies of one package in a process (a dependency's own copy) declare the same feature.
  if (earlier !== undefined && earlier.plugin === info?.plugin) return handle(name)
  if (earlier !== undefined)
    throw invalid(
      `The context feature "${name}" is declared twice (by ${earlier.plugin} and ${String(info?.plugin)}): declare it once, in its module.`,
    )
  if (name in HttpContext.prototype || (CONTEXT_FIELDS as readonly string[]).includes(name))
    throw invalid(`ctx.${name} is part of the request context: choose another feature name.`)
  if (typeof info?.plugin !== 'string' || typeof info.hint !== 'string')
    throw invalid(`The context feature "${name}" needs { plugin, hint } to explain its absence.`)
  const what: ContextFeatureInfo = Object.freeze({ plugin: info.plugin, hint: info.hint })
  declared.set(name, what)
  Object.defineProperty(HttpContext.prototype, name, {
    configurable: false,
    enumerable: false,
    get(this: HttpContext): unknown {
      const value = (this.request as WithFeatures)[FEATURES]?.get(name)
      if (value !== undefined) return value
      const factory = (this.request.server as WithProviders)[PROVIDERS]?.get(name)
      if (factory === undefined) throw missing(name, what)
      const made = factory(this)
      setValue(this.request, name, made)
      return made
    },
  })
  return handle(name)
}

function handle<K extends Extract<keyof MegaContextFeatures, string>>(name: K): ContextFeature<K> {
  return Object.freeze({
    name,
    set: (request: FastifyRequest, value: MegaContextFeatures[K]) => setValue(request, name, value),
    provide(fastify: FastifyInstance, factory: (ctx: RequestContext) => MegaContextFeatures[K]) {
      const holder = fastify as WithProviders
      if (!Object.hasOwn(holder, PROVIDERS))
        Object.defineProperty(holder, PROVIDERS, { value: new Map(holder[PROVIDERS]) })
      holder[PROVIDERS]!.set(name, factory)
    },
  })
}
