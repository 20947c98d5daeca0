import { describe, expect, it } from 'vitest'
import { run } from '../src/cli.js'
import { memoryIo } from './helpers/memory-io.js'

const fixture = new URL('./fixtures/app', import.meta.url).pathname

describe('mega routes', () => {
  it('prints the route table of a fixture app as JSON', async () => {
    const m = memoryIo(fixture)
    expect(await run(['routes', '--json'], m.io)).toBe(0)
    expect(JSON.parse(m.stdout)).toEqual([
      {
        method: 'GET',
        path: '/',
        name: 'home',
        app: 'main',
        kind: 'http',
        summary: null,
        schemas: [],
      },
      {
        method: 'POST',
        path: '/items/:id',
        name: 'items.update',
        app: 'main',
        kind: 'http',
        summary: null,
        schemas: ['params', 'body'],
      },
    ])
  })

  it('prints it as aligned columns', async () => {
    const m = memoryIo('/', {})
    expect(await run(['routes', '--root', fixture], m.io)).toBe(0)
    expect(m.stdout).toMatchInlineSnapshot(`
      "METHOD  PATH        NAME          APP   SCHEMAS
      GET     /           home          main
      POST    /items/:id  items.update  main  params,body
      "
    `)
  })
})
