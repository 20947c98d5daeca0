import { parseOptions } from '@mega/observe/internal'
import { megaConfigSchema, type MegaConfig, type MegaConfigInput } from './config-schema.js'

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

/**
 * Validates a Mega configuration and fills in its defaults. Every problem is reported at once, as one
 * `MegaConfigError` listing each path, before anything connects.
 *
 * @example
 * export default defineConfig({
 *   server: { port: env('PORT', 3000) },
 *   adapters: { cache: { driver: 'memory' } },
 * })
 */
export function defineConfig(
  config: MegaConfigInput,
  source: NodeJS.ProcessEnv = process.env,
): MegaConfig {
  return deepFreeze(
    parseOptions(megaConfigSchema, withServerEnv(config, source), 'config') as MegaConfig,
  )
}

// HOST and PORT, when set, decide where the server listens (the platform's choice wins).
function withServerEnv(config: MegaConfigInput, source: NodeJS.ProcessEnv): MegaConfigInput {
  if (typeof config !== 'object' || config === null) return config
  const { HOST, PORT } = source
  if (HOST === undefined && PORT === undefined) return config
  const server = { ...config.server }
  if (HOST !== undefined && HOST !== '') server.host = HOST
  if (PORT !== undefined && PORT !== '') server.port = Number(PORT)
  return { ...config, server }
}
