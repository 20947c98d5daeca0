import type { Browser, Page } from 'playwright-core'
import { signInThroughForm, WAIT_MS } from './chromium.js'

// The live board page in chromium: what its tests wait for. Launching and signing in live in
// chromium.ts, shared with the other browser tests.
export { chromiumAvailable, PASSWORD, WAIT_MS } from './chromium.js'

// What the functions run in the page read of it (this project has no DOM types).
declare const document: { getElementById(id: string): { textContent: string | null } | null }

/** A new browser context (its own cookies) signed in through the sign-in form, on the board page. */
export async function openBoard(
  browser: Browser,
  base: string,
  email: string,
  board: number,
): Promise<Page> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await signInThroughForm(page, base, email)
  await page.goto(`${base}/web/boards/${board}`)
  await liveStatusIs(page, 'live')
  return page
}

/** Waits until the page's status line says `status` (`live`, `reconnecting…`). */
export async function liveStatusIs(page: Page, status: string): Promise<void> {
  await page.waitForFunction(
    (expected) => document.getElementById('live-status')?.textContent === expected,
    status,
    { timeout: WAIT_MS },
  )
}

/** Waits until the page's "Viewing" line names exactly `names` (in any order). */
export async function viewersAre(page: Page, names: readonly string[]): Promise<void> {
  await page.waitForFunction(
    (expected) => {
      const shown = (document.getElementById('viewers')?.textContent ?? '').split(', ').sort()
      return JSON.stringify(shown) === JSON.stringify([...expected].sort())
    },
    names,
    { timeout: WAIT_MS },
  )
}

/** Waits for the note's item on the page and resolves its text. */
export async function noteShown(page: Page, note: number): Promise<string | null> {
  const item = await page.waitForSelector(`#notes li[data-note-id="${note}"]`, {
    timeout: WAIT_MS,
  })
  return item.textContent()
}
