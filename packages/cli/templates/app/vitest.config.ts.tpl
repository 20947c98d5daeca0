import { megaVitest } from '@mega/core/vitest'
import { defineConfig } from 'vitest/config'

// megaVitest(): tests under test/, and Mega's packages run through Vitest so they can load the
// app's .ts files (see @mega/core's README, "Testing an app").
export default defineConfig({
  plugins: [megaVitest()],
  test: { env: { DATABASE_FILE: ':memory:' } },
})
