// The newcomer path, for real: `mega new`, install the workspace's packed packages, scaffold a Post,
// migrate its SQLite database, type-check and run the app's own tests, list its routes, boot it and
// create, list and show a Post over HTTP. Needs `pnpm build` first (the tarballs hold dist/) and pnpm
// on PATH; installs from pnpm's store, so it runs in seconds when warm.
import { join } from 'node:path'
import { startServer, userShellEnv } from '@mega/test-utils'
import { describe, expect, it } from 'vitest'
import { installedApp, must } from './helpers/generated-app.js'

describe('the newcomer path', () => {
  it('creates an app that installs, scaffolds and migrates a resource, passes its tests and serves it', async () => {
    const app = await installedApp('hello-app')

    await must('npx', ['mega', 'migrate', 'check'], app) // the template's migration covers Note
    const scaffolded = await must(
      'npx',
      ['mega', 'scaffold', 'Post', 'title:string', 'body:text', 'published:boolean'],
      app,
    )
    expect(scaffolded).toMatch(/created apps\/main\/migrations\/\d{14}-create-posts\.ts/)
    const migrated = await must('npx', ['mega', 'migrate', 'up'], app)
    expect(migrated).toMatch(
      /✓ applied {2}\d{14}-create-notes \(\d+ms\)\n✓ applied {2}\d{14}-create-posts/,
    )
    expect(await must('npx', ['mega', 'migrate', 'status'], app)).not.toContain('pending')

    await must('npx', ['tsc', '-p', 'tsconfig.json'], app) // the generated code type-checks
    expect(await must('npx', ['vitest', 'run'], app)).toMatch(/Tests\s+9 passed/)

    const listed = await must('npx', ['mega', 'routes', '--json'], app) // npm may warn around it
    const routes = JSON.parse(
      listed.slice(listed.indexOf('['), listed.lastIndexOf(']') + 1),
    ) as readonly { readonly name: string | null }[]
    expect(routes[0]).toMatchObject({ method: 'GET', path: '/', name: 'home', app: 'main' })
    expect(routes.map((r) => r.name)).toContain('posts.index')

    const server = await startServer(
      process.execPath,
      [join(app, 'node_modules/@mega/cli/bin/mega.js'), 'start'],
      { cwd: app, env: userShellEnv({ PORT: '0', HOST: '127.0.0.1' }) },
    )
    try {
      const res = await fetch(`${server.url}/`)
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ ok: true, data: { hello: 'hello-app' } })
      const created = await fetch(`${server.url}/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'first' }),
      })
      expect(created.status).toBe(201) // the app's NoteService, booted by the CLI

      const post = await fetch(`${server.url}/posts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Hello', body: 'First post', published: true }),
      })
      expect(post.status).toBe(201) // stored in ./data/app.sqlite, migrated by `mega migrate up`
      const { id } = ((await post.json()) as { data: { id: number } }).data
      const list = await (await fetch(`${server.url}/posts`)).json()
      expect(list).toMatchObject({ ok: true, data: { total: 1, items: [{ id, title: 'Hello' }] } })
      const shown = await fetch(`${server.url}/posts/${id}`)
      expect(await shown.json()).toMatchObject({
        data: { id, body: 'First post', published: true },
      })
    } finally {
      expect(await server.stop()).toBe(0)
    }
  }, 300_000)
})
