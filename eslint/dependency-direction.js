// The one-way package dependency direction of DESIGN.md, as ESLint `no-restricted-imports` configs.
// observe ← core ← {db, ws, jobs}; ws ← ws-hub; ws-client imports none; cli and the meta-package
// may import everything.

/** What each package may import from the workspace (`@mega/*` and `mega-framework`). */
export const ALLOWED_IMPORTS = Object.freeze({
  observe: [],
  core: ['@mega/observe'],
  db: ['@mega/observe', '@mega/core'],
  ws: ['@mega/observe', '@mega/core'],
  jobs: ['@mega/observe', '@mega/core'],
  'ws-hub': ['@mega/observe', '@mega/core', '@mega/ws'],
  // The browser/Node client of the WS protocol: no server package (DESIGN.md).
  'ws-client': [],
  cli: [
    '@mega/observe',
    '@mega/core',
    '@mega/db',
    '@mega/ws',
    '@mega/ws-hub',
    '@mega/ws-client',
    '@mega/jobs',
  ],
  framework: [
    '@mega/observe',
    '@mega/core',
    '@mega/db',
    '@mega/ws',
    '@mega/ws-hub',
    '@mega/ws-client',
    '@mega/jobs',
  ],
})

const ALL = ['observe', 'core', 'db', 'ws', 'ws-hub', 'ws-client', 'jobs', 'cli', 'test-utils']

function forbiddenFor(pkg) {
  const allowed = new Set(ALLOWED_IMPORTS[pkg])
  const names = ALL.map((p) => `@mega/${p}`).filter(
    (name) => name !== `@mega/${pkg}` && !allowed.has(name),
  )
  return [...names, 'mega-framework']
}

/** Flat-config entries: one per package, restricting its source (not its tests) to allowed imports. */
export const dependencyDirection = Object.keys(ALLOWED_IMPORTS).map((pkg) => ({
  name: `mega/dependency-direction/${pkg}`,
  files: [`packages/${pkg}/src/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: forbiddenFor(pkg).flatMap((name) => [name, `${name}/*`]),
            message: `@mega/${pkg} may import only ${ALLOWED_IMPORTS[pkg].join(', ') || 'no other @mega package'} (DESIGN.md: dependencies point one way).`,
          },
          {
            group: ['**/packages/*/src/**', '../../*/src/**'],
            message:
              "Never deep-import another package's src/; use its public entry or its ./internal subpath.",
          },
        ],
      },
    ],
  },
}))
