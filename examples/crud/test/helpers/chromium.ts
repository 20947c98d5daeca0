import { existsSync } from 'node:fs'
import { afterAll } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'

// Debian's chromium (apt-get install chromium), driven by playwright-core, which downloads no
// browser. Without chromium a browser suite is skipped with a loud line, or fails when
// MEGA_REQUIRE_SERVICES=1 (CI installs it).

/** The chromium binary the browser tests drive (`MEGA_CHROMIUM` overrides the Debian path). */
export const CHROMIUM = process.env.MEGA_CHROMIUM ?? '/usr/bin/chromium'

/**
 * Whether a browser suite runs: chromium is installed, or CI requires it (then a missing binary
 * fails the suite instead of skipping it). Prints the loud skip line when it does not run.
 */
export function chromiumAvailable(suite: string): boolean {
  const available = existsSync(CHROMIUM)
  const required = process.env.MEGA_REQUIRE_SERVICES === '1'
  if (!available && !required)
    process.stderr.write(
      `!!! SKIPPING the ${suite} browser test: no ${CHROMIUM} (apt-get install chromium) !!!\n`,
    )
  return available || required
}

/** The password every browser test signs up with. */
export const PASSWORD = 'correct horse battery'

/** How long a browser test waits for something to appear on a page. */
export const WAIT_MS = 10_000

/**
 * One headless chromium per test file, launched by the first `await browser()` and closed after the
 * file's last test. Give each test its own context (`browser.newPage()` or `newContext()`: its own
 * cookies). Call once at the top of a test file.
 */
export function useChromium(): () => Promise<Browser> {
  let running: Browser | undefined
  afterAll(async () => {
    await running?.close()
    running = undefined
  })
  return async () => {
    running ??= await launchChromium()
    return running
  }
}

/** Starts headless chromium (closed by the caller); {@link useChromium} closes it for you. */
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

/** Signs in through the sign-in form in `page` and waits for the user list. */
export async function signInThroughForm(
  page: Page,
  base: string,
  email: string,
  password = PASSWORD,
): Promise<void> {
  await page.goto(`${base}/web/login`)
  await page.fill('#email', email)
  await page.fill('#password', password)
  await Promise.all([page.waitForURL(`${base}/web/users`), page.click('main button[type=submit]')])
}
