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
        before: [],
        channel: null,
      },
      {
        method: 'POST',
        path: '/items/:id',
        name: 'items.update',
        app: 'main',
        kind: 'http',
        summary: null,
        schemas: ['params', 'body'],
        before: [],
        channel: null,
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

  it('marks WebSocket routes WS with their channel, and shows the before hooks of every route', async () => {
    const wsFixture = new URL('./fixtures/ws-app', import.meta.url).pathname
    const table = memoryIo('/', {})
    expect(await run(['routes', '--root', wsFixture], table.io)).toBe(0)
    expect(table.stdout).toMatchInlineSnapshot(`
      "METHOD  PATH              CHANNEL       NAME         APP   BEFORE
      GET     /boards/:id                     boards.show  main  signedIn
      WS      /boards/:id/live  BoardChannel  boards.live  main  signedIn,loadBoard
      "
    `)
    const json = memoryIo(wsFixture)
    expect(await run(['routes', '--json'], json.io)).toBe(0)
    expect(JSON.parse(json.stdout)).toContainEqual({
      method: 'WS',
      path: '/boards/:id/live',
      name: 'boards.live',
      app: 'main',
      kind: 'ws',
      summary: null,
      schemas: [],
      before: ['signedIn', 'loadBoard'],
      channel: 'BoardChannel',
    })
  })
})
