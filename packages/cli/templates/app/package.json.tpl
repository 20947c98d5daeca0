{
  "name": "{{name}}",
  "version": "0.1.0",
  "private": true,
  "type": "module",
  "engines": {
    "node": ">=20.19"
  },
  "scripts": {
    "dev": "mega dev",
    "build": "mega build",
    "start": "mega start",
    "test": "mega test",
    "routes": "mega routes",
    "console": "mega console",
    "migrate": "mega migrate up",
    "typecheck": "tsc -p tsconfig.json"
  },
  "dependencies": {
    "@mega/core": "{{megaRange}}",
    "@mega/db": "{{megaRange}}",
    "{{driver}}": "{{driverRange}}",
    "zod": "{{zodRange}}"
  },
  "devDependencies": {
    "@mega/cli": "{{megaRange}}",
    "@types/node": "{{typesNodeRange}}",
    "typescript": "{{typescriptRange}}",
    "vitest": "{{vitestRange}}"
  },
  "pnpm": {
    "onlyBuiltDependencies": [{{builtDependencies}}]
  }
}
