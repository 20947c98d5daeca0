// mega-framework: one import for every @mega/* package's public API. Each package's own index names
// its exports explicitly; this meta-package only forwards them.
export * from '@mega/observe'
export * from '@mega/core'
export * from '@mega/db'
export * from '@mega/ws'
