import { megaVitest } from '@mega/core/vitest'
import { defineConfig } from 'vitest/config'

// megaVitest(): tests under test/, and Mega's packages run through Vitest so they can load the
// app's .ts files (see @mega/core's README, "Testing an app").
export default defineConfig({
  plugins: [megaVitest()],
  // The first test of a file boots the app cold (its TypeScript compiled on the way): more than
  // vitest's 5 s default on a busy machine. {{vitestDbNote}}
  test: { {{vitestEnv}}testTimeout: 30_000 },
})
