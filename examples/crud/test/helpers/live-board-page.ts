import { existsSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'

// The live board in a real browser: Debian's chromium (apt-get install chromium), driven by
// playwright-core, which downloads no browser. Without chromium a suite is skipped with a loud
// line, or fails when MEGA_REQUIRE_SERVICES=1 (CI installs it).
const CHROMIUM = process.env.MEGA_CHROMIUM ?? '/usr/bin/chromium'

/** Whether the browser suites run: chromium is there, or CI requires it (and fails without). */
export function chromiumAvailable(suite: string): boolean {
  const available = existsSync(CHROMIUM)
  const required = process.env.MEGA_REQUIRE_SERVICES === '1'
  if (!available && !required)
    process.stderr.write(`!!! SKIPPING ${suite}: no ${CHROMIUM} (apt-get install chromium) !!!\n`)
  return available || required
}

// What the functions run in the page read of it (this project has no DOM types).
declare const document: { getElementById(id: string): { textContent: string | null } | null }

/** The password every browser test user signs up with. */
export const PASSWORD = 'correct horse battery'
/** How long a page may take to show what the test waits for. */
export const WAIT_MS = 10_000

/** Starts headless chromium (closed by the caller). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** A new browser context (its own cookies) signed in through the sign-in form, on the board page. */
export async function openBoard(
  browser: Browser,
  base: string,
  email: string,
  board: number,
): Promise<Page> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${base}/web/login`)
  await page.fill('#email', email)
  await page.fill('#password', PASSWORD)
  await Promise.all([page.waitForURL(`${base}/web/users`), page.click('button[type=submit]')])
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
