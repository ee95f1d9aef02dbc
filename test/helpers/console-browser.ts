import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core'

/** The console in headless Chromium, as the e2e tests (test/e2e/console*.e2e.test.ts) drive it. */

const CHROMIUM = '/usr/bin/chromium'

export async function launchChromium(): Promise<Browser> {
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

/** A new page whose uncaught script errors go to `problems`, for the test to expect none. */
export async function openConsolePage(
  browser: Browser,
  options: BrowserContextOptions,
  problems: string[],
): Promise<Page> {
  const page = await browser.newPage(options)
  page.on('pageerror', (err) => problems.push(err.message))
  return page
}

/** Resolves when the console page `name` has loaded its data. */
export async function pageLoaded(page: Page, name: string): Promise<void> {
  await page.waitForSelector(`#page[data-loaded="${name}"]:not([aria-busy])`)
}

/** Signs in on the login form with `token` and waits for `landing`, the page it opens. */
export async function signIn(page: Page, token: string, landing: string): Promise<void> {
  await page.waitForSelector('#login:not([hidden])')
  await page.fill('#token', token)
  await page.click('#login-form button[type="submit"]')
  await pageLoaded(page, landing)
}
