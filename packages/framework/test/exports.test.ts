import { describe, expect, it } from 'vitest'
import { exportNames, importBuilt, typeExportNames } from '@mega/test-utils'
import * as observe from '@mega/observe'
import * as core from '@mega/core'
import * as db from '@mega/db'
import * as ws from '@mega/ws'
import * as wsHub from '@mega/ws-hub'
import * as wsClient from '@mega/ws-client'
import * as jobs from '@mega/jobs'
import * as source from '../src/index.js'

// The meta-package names nothing of its own: its API is exactly the union of the packages it
// forwards (each package snapshots its own list), so a package export that is not forwarded fails here.
describe('mega-framework public exports', () => {
  it('forwards every export of observe, core, db, ws, ws-hub, ws-client and jobs, and nothing else', () => {
    const union = [
      ...new Set([
        ...exportNames(observe),
        ...exportNames(core),
        ...exportNames(db),
        ...exportNames(ws),
        ...exportNames(wsHub),
        ...exportNames(wsClient),
        ...exportNames(jobs),
      ]),
    ].sort()
    expect(exportNames(source)).toEqual(union)
  })

  it('forwards the same values (one copy of each class, not a duplicate)', () => {
    expect(source.MegaError).toBe(observe.MegaError)
    expect(source.createApp).toBe(core.createApp)
    expect(source.defineModel).toBe(db.defineModel)
    expect(source.defineChannel).toBe(ws.defineChannel)
    expect(source.MegaWsHub).toBe(wsHub.MegaWsHub)
    expect(source.MegaWsClient).toBe(wsClient.MegaWsClient)
    expect(source.NatsBusAdapter).toBe(jobs.NatsBusAdapter)
  })

  it('megaDrivers is every driver of db and jobs, once each', () => {
    const names = source.megaDrivers.map((d) => d.name)
    expect(names).toEqual([...db.megaDrivers, ...jobs.megaDrivers].map((d) => d.name))
    expect(new Set(names).size).toBe(names.length)
    expect(names).toContain('nats')
  })

  it('the built package a user installs exposes the same API', async () => {
    const built = await importBuilt(new URL('..', import.meta.url).pathname)
    expect(exportNames(built)).toEqual(exportNames(source))
  })

  it('forwards every type of observe, core, db, ws, ws-hub, ws-client and jobs, and nothing else', () => {
    const typesOf = (pkg: string) =>
      typeExportNames(new URL(`../../${pkg}/src/index.ts`, import.meta.url).pathname)
    const union = [
      ...new Set(['observe', 'core', 'db', 'ws', 'ws-hub', 'ws-client', 'jobs'].flatMap(typesOf)),
    ].sort()
    expect(typeExportNames(new URL('../src/index.ts', import.meta.url).pathname)).toEqual(union)
  })
})
