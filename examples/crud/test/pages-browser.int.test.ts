import { createServer, type Server } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { TestApp } from '@mega/core/testing'
import { bootApp, signUp } from './helpers/crud-app.js'
import { chromiumAvailable, PASSWORD, signInThroughForm, useChromium } from './helpers/chromium.js'

// The pages as a person uses them, in Debian's chromium (see helpers/chromium): sign up, sign in,
// create, rename and delete a board through the forms, read the messages under the fields, and
// forged posts (no token, a wrong token, another origin) refused with nothing changed.
const runs = chromiumAvailable('pages')
const launch = useChromium()

let attackerSite: Server | undefined
afterEach(async () => {
  await new Promise((resolve) => attackerSite?.close(resolve) ?? resolve(undefined))
  attackerSite = undefined
})

/** The app's board service, to see what the database holds after each step. */
function boards(app: TestApp) {
  return app.runtime.server.apps[0]!.scope.services.board
}

/** The text of the first element `selector` matches in `<main>` (trimmed). */
async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(`main ${selector}`).first().textContent()) ?? '').trim()
}

/**
 * Clicks `selector` (a submit button), waits for the page the browser lands on, and gives the status
 * of the form post itself (303 when it redirected).
 */
async function submit(page: Page, selector: string): Promise<number> {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.waitForNavigation(),
    page.click(selector),
  ])
  return res.status()
}

/** Sets a form field the user cannot type into (the hidden `_csrf`). */
async function setHidden(page: Page, selector: string, value: string | undefined): Promise<void> {
  await page.locator(selector).evaluate((el, v) => {
    const input = el as unknown as { value: string; remove(): void }
    if (v === undefined) input.remove()
    else input.value = v
  }, value)
}

/** The error code of the JSON envelope a refused post left on the page. */
async function codeOnPage(page: Page): Promise<string | undefined> {
  const body = (await page.locator('body').textContent()) ?? ''
  return (JSON.parse(body) as { error?: { code: string } }).error?.code
}

describe.runIf(runs)('the pages in chromium', () => {
  it(
    'signs up and in, creates, renames and deletes a board, with messages under the fields',
    { timeout: 60_000 },
    async () => {
      const app = await bootApp()
      const base = await app.url()
      const page = await (await launch()).newPage()
      const email = `pages-${Date.now()}@example.test`

      // Sign up. A too-short password: the browser's own check stops the form (minlength)...
      await page.goto(`${base}/web/register`)
      await page.fill('#name', 'Ada <i>Lovelace</i>')
      await page.fill('#email', email)
      await page.fill('#password', 'short')
      await page.click('main button[type=submit]')
      expect(page.url()).toBe(`${base}/web/register`)
      expect(
        await page
          .locator('#password')
          .evaluate((el) => (el as unknown as { validity: { valid: boolean } }).validity.valid),
      ).toBe(false)
      // ...and without it (a browser that skips it, a script) the server says the same, under the field.
      await page.locator('main form').evaluate((f) => {
        ;(f as unknown as { noValidate: boolean }).noValidate = true
      })
      expect(await submit(page, 'main button[type=submit]')).toBe(422)
      expect(await textOf(page, '#password + .field-error')).toBe('use at least 10 characters')
      expect(await page.inputValue('#name')).toBe('Ada <i>Lovelace</i>') // kept, as typed
      expect(await page.inputValue('#email')).toBe(email)
      expect(await page.inputValue('#password')).toBe('') // never sent back
      // Ten spaces pass the browser's check; the server's policy answers under the field.
      await page.fill('#password', ' '.repeat(10))
      expect(await submit(page, 'main button[type=submit]')).toBe(422)
      expect(await textOf(page, '#password + .field-error')).toMatch(/^use more than spaces/)

      await page.fill('#password', PASSWORD)
      expect(await submit(page, 'main button[type=submit]')).toBe(303)
      expect(page.url()).toBe(`${base}/web/users`)
      expect(await textOf(page, '.flash')).toBe('Welcome, Ada <i>Lovelace</i>!') // text, not markup
      expect(await page.locator('main .flash i').count()).toBe(0)

      // Sign out, then in: a wrong password shows the message and keeps the email.
      expect(await submit(page, 'header button[type=submit]')).toBe(303)
      expect(page.url()).toBe(`${base}/web/login`)
      await page.fill('#email', email)
      await page.fill('#password', 'not the password')
      expect(await submit(page, 'main button[type=submit]')).toBe(401)
      expect(await textOf(page, '.error')).toBe('Wrong email or password.')
      expect(await page.inputValue('#email')).toBe(email)
      await signInThroughForm(page, base, email)

      // Create: an empty title (only spaces) is shown again with the message under the field.
      await page.goto(`${base}/web/boards`)
      await page.fill('#title', '   ')
      expect(await submit(page, 'main button[type=submit]')).toBe(422)
      expect(await textOf(page, '#title-error')).toMatch(/^write a title/)
      expect(await page.inputValue('#title')).toBe('   ')
      expect((await boards(app).list()).total).toBe(0)

      await page.fill('#title', 'Plans <script>alert(1)</script>')
      expect(await submit(page, 'main button[type=submit]')).toBe(303)
      const [board] = (await boards(app).list()).items
      expect(board?.title).toBe('Plans <script>alert(1)</script>')
      expect(page.url()).toBe(`${base}/web/boards/${board!.id}`)
      expect(await textOf(page, 'h1')).toBe('Plans <script>alert(1)</script>') // shown as text
      expect(await page.locator('main h1 script').count()).toBe(0)
      expect(await textOf(page, '.flash')).toBe('Board “Plans <script>alert(1)</script>” created.')

      // Rename: an empty title keeps the form; a good one saves.
      await page.click('#edit-board')
      expect(page.url()).toBe(`${base}/web/boards/${board!.id}/edit`)
      await page.fill('#title', ' ')
      expect(await submit(page, 'main form:first-of-type button[type=submit]')).toBe(422)
      expect(await textOf(page, '#title-error')).toMatch(/^write a title/)
      await page.fill('#title', 'Roadmap')
      expect(await submit(page, 'main form:first-of-type button[type=submit]')).toBe(303)
      expect(await textOf(page, 'h1')).toBe('Roadmap')
      expect(await textOf(page, '.flash')).toBe('Saved.')
      expect((await boards(app).get(board!.id)).title).toBe('Roadmap')

      // Delete: back to the list, which no longer has it.
      await page.click('#edit-board')
      expect(await submit(page, '#delete-board')).toBe(303)
      expect(page.url()).toBe(`${base}/web/boards`)
      expect(await textOf(page, '.flash')).toBe('Board “Roadmap” deleted.')
      expect(await page.locator('main ul.boards').count()).toBe(0)
      expect((await boards(app).list()).total).toBe(0)
    },
  )

  it(
    'refuses a form without its token, with a wrong one, or from another origin: 403, nothing saved',
    { timeout: 60_000 },
    async () => {
      const app = await bootApp()
      const base = await app.url()
      const user = await signUp(app, { password: PASSWORD })
      const page = await (await launch()).newPage()
      await signInThroughForm(page, base, user.email)

      // The token removed from the form: 403 MEGA_CSRF_INVALID.
      await page.goto(`${base}/web/boards`)
      await setHidden(page, 'main input[name=_csrf]', undefined)
      await page.fill('#title', 'No token')
      expect(await submit(page, 'main button[type=submit]')).toBe(403)
      expect(await codeOnPage(page)).toBe('MEGA_CSRF_INVALID')

      // A token that is not this browser's: the same.
      await page.goto(`${base}/web/boards`)
      await setHidden(page, 'main input[name=_csrf]', 'x'.repeat(43))
      await page.fill('#title', 'Wrong token')
      expect(await submit(page, 'main button[type=submit]')).toBe(403)
      expect(await codeOnPage(page)).toBe('MEGA_CSRF_INVALID')
      expect((await boards(app).list()).total).toBe(0)

      // Another origin (a site on another port of the same host: the session cookie goes along)
      // posts the board form, even with this browser's real token: 403 MEGA_CSRF_ORIGIN_INVALID.
      await page.goto(`${base}/web/boards`)
      const token = await page.locator('main input[name=_csrf]').inputValue()
      const evil = await serveAttackerPage(
        `<form method="post" action="${base}/web/boards">` +
          `<input type="hidden" name="_csrf" value="${token}">` +
          `<input type="hidden" name="title" value="Forged">` +
          `<button type="submit" id="go">Win a prize</button></form>`,
      )
      await page.goto(evil)
      expect(await submit(page, '#go')).toBe(403)
      expect(await codeOnPage(page)).toBe('MEGA_CSRF_ORIGIN_INVALID')
      expect((await boards(app).list()).total).toBe(0)

      // The same browser, on the app's own page, still creates a board: the refusals were the check.
      await page.goto(`${base}/web/boards`)
      await page.fill('#title', 'Mine')
      expect(await submit(page, 'main button[type=submit]')).toBe(303)
      expect((await boards(app).list()).items.map((b) => b.title)).toEqual(['Mine'])
    },
  )
})

/** Serves `html` as the only page of another origin (127.0.0.1 on another port); its URL. */
async function serveAttackerPage(html: string): Promise<string> {
  attackerSite = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(`<!doctype html><html><body>${html}</body></html>`)
  })
  await new Promise<void>((resolve) => attackerSite!.listen(0, '127.0.0.1', resolve))
  const address = attackerSite.address() as { port: number }
  return `http://127.0.0.1:${address.port}/`
}
