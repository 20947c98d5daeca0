# {{name}}

A [Mega](https://github.com/mega-framework/mega) app. It runs with no server installed: SQLite for
data (`./data/app.sqlite`), memory for the cache.

```sh
{{pm}} run dev       # http://127.0.0.1:3000, restarts when a file changes
{{pm}} test          # the app's tests (vitest)
npx mega routes      # the route table
npx mega console     # a REPL with the booted app: ctx, config, mega
npx mega migrate up  # create the tables of apps/main/migrations in ./data/app.sqlite
```

## A resource with its table

```sh
npx mega scaffold Post title:string body:text published:boolean
npx mega migrate up  # the posts table
{{pm}} test          # the new model and route tests (they migrate an in-memory database)
```

`scaffold` writes the model, its migration, a service using `createCrud`, REST routes
(`/posts`, `/posts/:id`) and tests. After changing a model, `npx mega migrate make <name>` writes the
next migration and `npx mega migrate check` fails while one is missing (for CI).

{{authSection}}## Layout

```
mega.config.ts                   the configuration (validated at boot); .env overrides it
apps/main/routes/*.ts            export default defineRoutes((r) => ...)
apps/main/services/*-service.ts  export default class XService extends MegaService; ctx.services.x
apps/main/models/*-model.ts      defineModel(...): row types, validation, CRUD
apps/main/migrations/            generated from the models (mega migrate make); .mega/journal too
test/                            createTestApp({ root }) and app.inject(...)
```

Add more with `npx mega generate model|service|route <name>` or `npx mega scaffold`.
