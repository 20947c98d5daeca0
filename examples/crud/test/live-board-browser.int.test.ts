import { describe, expect, it } from 'vitest'
import type { TestApp } from '@mega/core/testing'
import { bootApp, signUp } from './helpers/crud-app.js'
import { chromiumAvailable, PASSWORD, useChromium, WAIT_MS } from './helpers/chromium.js'
import { openBoard, viewersAre } from './helpers/live-board-page.js'

// The live board in a real browser (Debian's chromium through playwright-core, see helpers/chromium).
const runs = chromiumAvailable('live board')
const launch = useChromium()

async function newBoard(app: TestApp, auth: { authorization: string }): Promise<number> {
  const res = await app.inject({
    method: 'POST',
    url: '/boards',
    headers: auth,
    payload: { title: 'Browser board' },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json<{ data: { id: number } }>().data.id
}

describe.runIf(runs)('the live board page in chromium', () => {
  it(
    'shows who is viewing, adds a note without a reload, and drops a viewer who leaves',
    { timeout: 60_000 },
    async () => {
      const app = await bootApp()
      const base = await app.url()
      const ann = await signUp(app, { name: 'Ann', password: PASSWORD })
      const bob = await signUp(app, { name: 'Bob', password: PASSWORD })
      const board = await newBoard(app, ann.auth)
      const browser = await launch()

      const [annPage, bobPage] = await Promise.all([
        openBoard(browser, base, ann.email, board),
        openBoard(browser, base, bob.email, board),
      ])
      await viewersAre(annPage, ['Ann', 'Bob'])
      await viewersAre(bobPage, ['Ann', 'Bob'])

      // Ann adds a note (the JSON API, with her token): it appears on Bob's page, which never reloads.
      await bobPage.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42))
      const res = await fetch(`${base}/boards/${board}/notes`, {
        method: 'POST',
        headers: { ...ann.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'From Ann', body: 'seen live' }),
      })
      expect(res.status).toBe(201)
      const note = ((await res.json()) as { data: { id: number } }).data.id
      const item = await bobPage.waitForSelector(`#notes li[data-note-id="${note}"]`, {
        timeout: WAIT_MS,
      })
      expect(await item.textContent()).toBe('From Ann seen live')
      expect(await bobPage.isHidden('#no-notes')).toBe(true)
      expect(
        await bobPage.evaluate(() => (globalThis as unknown as { marker?: number }).marker),
      ).toBe(42)

      if (process.env.MEGA_SCREENSHOT !== undefined)
        await bobPage.screenshot({ path: process.env.MEGA_SCREENSHOT, fullPage: true })

      await annPage.close()
      await viewersAre(bobPage, ['Bob'])
    },
  )
})
