# {{name}}

A [Mega](https://github.com/mega-framework/mega) app. {{dbIntro}}

```sh
{{pm}} run dev       # http://127.0.0.1:3000, restarts when a file changes
{{pm}} test          # the app's tests (vitest)
npx mega routes      # the route table
npx mega console     # a REPL with the booted app: ctx, config, mega
{{dbCommands}}
```

## A resource with its table

```sh
npx mega scaffold Post title:string body:text published:boolean
npx mega migrate up  # the posts table
{{pm}} test          # the new model and route tests (on the test database, rolled back after each)
```

`scaffold` writes the model, its migration, a service using `createCrud`, REST routes
(`/posts`, `/posts/:id`) and tests. After changing a model, `npx mega migrate make <name>` writes the
next migration and `npx mega migrate check` fails while one is missing (for CI).

## Tests and their database

Tests never use the development database. `mega test` (and `megaVitest()` in `vitest.config.ts`) run
with `NODE_ENV=test`, and then `env('DATABASE_URL')` in `mega.config.ts` reads `DATABASE_URL_TEST`
when it is set, else the same URL with `_test` appended to the database name (`.../blog` →
`.../blog_test`); any `env('X')` reads `X_TEST` first. {{dbTests}}

Each test that calls `withRollback(await createTestApp({ root }), { root })` runs in one transaction
that is rolled back when the test ends, so tests run again and again on the same database. Build rows
with factories: ``defineFactory(Note, (seq) => ({ text: `Note ${seq}` }))``, then `notes.build()` (no
database), `notes.create(db)` or `notes.createMany(db, 3)`; a field set to another factory creates that
row first and takes its id.

{{authSection}}## Layout

```
mega.config.ts                   the configuration (validated at boot); .env overrides it
apps/main/routes/*.ts            export default defineRoutes((r) => ...)
apps/main/services/*-service.ts  export default class XService extends MegaService; ctx.services.x
apps/main/models/*-model.ts      defineModel(...): row types, validation, CRUD
apps/main/migrations/            generated from the models (mega migrate make); .mega/journal too
test/                            createTestApp({ root }), withRollback(...), app.inject(...)
```

Add more with `npx mega generate model|service|route <name>` or `npx mega scaffold`.

## Deploy

```sh
{{pm}} install           # on the server or in CI (@mega/cli is needed to build and start)
{{pm}} run typecheck     # the build does not type-check: tsc does
{{pm}} run build         # compiles the app to JavaScript in dist/ (mega build)
npx mega migrate up      # applies the compiled migrations of dist/
{{pm}} start             # runs dist/ with NODE_ENV=production: no TypeScript loader
```

`{{pm}} start` runs the build when `dist/` holds one, and says so in its first log line; it refuses a
build older than the sources beside it (build again, or `mega start --source` to run the `.ts` files
through the loader). `{{pm}} run dev` always runs the sources.

What the server needs: `dist/`, `package.json`, the lockfile and `node_modules` (with `@mega/cli`; for a
production-only install, move it to `dependencies`). Read from the project folder, not from `dist/`:
`.env`, {{dbDeployFiles}}any views, locales or public files. Settings come from the
environment: `HOST`, `PORT`, `{{dbSetting}}`, and whatever `env()` reads in `mega.config.ts`. Run it
under a supervisor (systemd, a container runtime, a PaaS) that sends SIGTERM to stop: the app finishes
the requests in flight, then exits.
