// The live board across processes, in a real browser: two crud processes (`mega start`, bridges of a
// MegaWsHub started here) behind a TCP balancer, as a deployment runs them. The pages open the
// balancer's address only. A redeploy: a new process boots, the old one leaves the balancer, the hub's
// admin API drains it, it stops; then the hub requeues a user. The pages' @mega/ws-client follows
// each 4503 back through the balancer, and the pages never reload.
import { afterEach, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { requireService, startTcpBalancer, type TcpBalancer } from '@mega/test-utils'
import { create, signUpOver, startCrudCluster, until } from './helpers/crud-cluster.js'
import {
  PASSWORD,
  chromiumAvailable,
  liveStatusIs,
  noteShown,
  openBoard,
  viewersAre,
} from './helpers/live-board-page.js'
import { launchChromium } from './helpers/chromium.js'

const redis = await requireService('redis')
const runs = chromiumAvailable('the live board hub browser test') && redis.available

let browser: Browser | undefined
let balancer: TcpBalancer | undefined
afterEach(async () => {
  await browser?.close()
  await balancer?.close()
  browser = balancer = undefined
})

interface Member {
  readonly instanceId: string
  readonly userId: string
}

/** Counts the WebSockets a page opened (a reconnect opens a new one; a reload would reset it). */
function countSockets(page: Page): () => number {
  let opened = 0
  page.on('websocket', () => (opened += 1))
  return () => opened
}

describe.runIf(runs)('the live board through a hub, in chromium', () => {
  it(
    'two crud processes behind a balancer: viewers and notes cross processes, and both pages stay live through a drain, a redeploy and a requeue',
    { timeout: 120_000 },
    async () => {
      const cluster = await startCrudCluster(redis.url ?? 'redis://127.0.0.1:6379')
      const [a, b] = await Promise.all([cluster.startCrud(), cluster.startCrud()])
      balancer = await startTcpBalancer([a.port, b.port])
      const base = balancer.url
      // Not needed for the viewers any more (a bridge registering after a page opened tells it who
      // is on the other process: the hub link's catch-up), but kept: a page opened while both
      // bridges register at once may get a viewer's join twice (the catch-up's and the buffered
      // one), and board-live.js counts joins per user; the hub's admin API below needs it too.
      await until(
        'both processes registered with the hub',
        () => cluster.hub.bridges().length === 2,
      )

      const ann = await signUpOver(base, 'Ann', PASSWORD)
      const bob = await signUpOver(base, 'Bob', PASSWORD)
      const board = await create(base, '/boards', ann.auth, { title: 'Hub board' })
      // The bridge holding the user's one connection, as the hub lists it (once the bridge told it).
      const holder = async (user: { id: number }, not?: string): Promise<string> => {
        let held: string[] = []
        await until(`the hub to list user ${user.id} on one bridge`, async () => {
          const { members } = await cluster.admin<{ members: Member[] }>(
            'GET',
            `/admin/connections?userId=${user.id}`,
          )
          held = members.map((m) => m.instanceId)
          return held.length === 1 && held[0] !== not
        })
        return held[0] as string
      }
      browser = await launchChromium()

      // One after the other, so the balancer puts Ann's socket on one process and Bob's on the other.
      const annPage = await openBoard(browser, base, ann.email, board)
      const bobPage = await openBoard(browser, base, bob.email, board).catch(async (err) => {
        throw err
      })
      const annSockets = countSockets(annPage)
      const bobSockets = countSockets(bobPage)
      expect(balancer.openWebSockets()).toEqual([a.port, b.port])
      await viewersAre(annPage, ['Ann', 'Bob'])
      await viewersAre(bobPage, ['Ann', 'Bob'])
      const bridgeA = await holder(ann)
      const bridgeB = await holder(bob)
      expect(bridgeA).not.toBe(bridgeB)
      for (const page of [annPage, bobPage])
        await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42))

      // A note Bob adds through process B reaches Ann's page on process A through the hub.
      const fromBob = await create(b.url, `/boards/${board}/notes`, bob.auth, {
        title: 'From Bob',
        body: 'across the hub',
      })
      expect(await noteShown(annPage, fromBob)).toBe('From Bob across the hub')

      // Redeploy A: its replacement boots while A leaves the balancer and the hub drains it (Ann's
      // page moves to B); then A stops.
      const replacing = cluster.startCrud()
      balancer.setBackends([b.port])
      await cluster.admin('POST', `/admin/bridges/${bridgeA}/drain`, { reason: 'redeploy' })
      await until('Ann’s page to reconnect', () => annSockets() === 1)
      await liveStatusIs(annPage, 'live')
      expect(await holder(ann, bridgeA)).toBe(bridgeB)
      const stopped = a.stop()
      const a2 = await replacing
      balancer.setBackends([a2.port, b.port])
      // Once the hub knows the new process (and has forgotten A), a page moved there lists the
      // viewers of the other process at once (before, it would be told of them by the catch-up
      // after the registration; waiting keeps the viewer counts of board-live.js exact).
      await until('the hub to link B and the new process only', () => {
        const ids = cluster.hub.bridges().map((x) => x.instanceId)
        return ids.length === 2 && ids.includes(bridgeB) && !ids.includes(bridgeA)
      })

      // The hub requeues Bob (4503 to every bridge): his page comes back on the new process.
      await cluster.admin('POST', '/admin/disconnect', {
        target: { userId: String(bob.id) },
        requeue: true,
        reason: 'rebalance',
      })
      await until('Bob’s page to reconnect', () => bobSockets() === 1)
      await liveStatusIs(bobPage, 'live')
      const bridgeA2 = await holder(bob, bridgeB)
      expect(bridgeA2).not.toBe(bridgeA)
      expect(await holder(ann)).toBe(bridgeB)

      // Both pages, never reloaded, still see each other and notes from the other process.
      await viewersAre(annPage, ['Ann', 'Bob'])
      await viewersAre(bobPage, ['Ann', 'Bob'])
      const fromAnn = await create(b.url, `/boards/${board}/notes`, ann.auth, {
        title: 'From Ann',
        body: 'after the requeue',
      })
      expect(await noteShown(bobPage, fromAnn)).toBe('From Ann after the requeue')
      const fromBobAgain = await create(a2.url, `/boards/${board}/notes`, bob.auth, {
        title: 'Bob again',
        body: 'from the new process',
      })
      expect(await noteShown(annPage, fromBobAgain)).toBe('Bob again from the new process')
      for (const page of [annPage, bobPage])
        expect(
          await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker),
        ).toBe(42)
      expect(annSockets() + bobSockets()).toBe(2)
      expect(await stopped).toBe(0)
    },
  )
})
