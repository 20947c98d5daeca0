import { defineConfig, env } from '@mega/core'

export default defineConfig({
  name: 'simple',
  server: { port: env('PORT', 3000), host: env('HOST', '127.0.0.1') },
  adapters: { cache: { driver: 'memory' } },
  logger: { level: env('LOG_LEVEL', 'info') as 'info' },
  metrics: { enabled: true },
})
