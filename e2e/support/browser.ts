import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { readRunState, SCREENSHOTS_DIR } from './run-state';

/** Debian's Chromium (apt-get install chromium); playwright cannot download browsers on these machines. */
export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** One browser for a journey file, one context (cookie jar) per person in it. */
export class Journey {
  private browser?: Browser;
  private shot = 0;
  private readonly pages: Page[] = [];
  private failedStep?: string;
  readonly baseUrl = readRunState().baseUrl;
  /** Console errors and page errors seen, per page; a journey fails on an unexpected one. */
  readonly consoleErrors: string[] = [];

  constructor(readonly name: string) {}

  async start(): Promise<void> {
    this.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  }

  /** A person at a browser: their own cookies; clipboard allowed so copy buttons work. */
  async person(): Promise<{ context: BrowserContext; page: Page }> {
    if (!this.browser) throw new Error('Journey.start() first');
    const context = await this.browser.newContext({
      baseURL: this.baseUrl,
      viewport: { width: 1360, height: 900 },
      locale: 'en-US',
      timezoneId: 'UTC',
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: this.baseUrl });
    const page = await context.newPage();
    this.pages.push(page);
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => this.consoleErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      // The api's refusals are answers (4xx), which Chromium also logs as failed resources: not page errors.
      if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) {
        this.consoleErrors.push(`console: ${message.text()}`);
      }
    });
    return { context, page };
  }

  /** e2e/screenshots/<journey>/<nn>-<name>.png, full page. */
  async screenshot(page: Page, name: string): Promise<void> {
    const dir = join(SCREENSHOTS_DIR, this.name);
    mkdirSync(dir, { recursive: true });
    this.shot += 1;
    // From the top, so the fixed header sits where it belongs in the full-page image.
    await page.evaluate(() =>
      (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
    );
    await page.screenshot({
      path: join(dir, `${String(this.shot).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  }

  /**
   * A journey's step: its steps build on each other, so after a failure the rest are not run (they would
   * only fail for the same reason); a failing step leaves a screenshot of every open page.
   */
  step(name: string, run: () => Promise<void>): [string, () => Promise<void>] {
    return [
      name,
      async () => {
        if (this.failedStep) throw new Error(`Not run: the step "${this.failedStep}" failed.`);
        try {
          await run();
        } catch (error) {
          this.failedStep = name;
          for (const [index, page] of this.pages.entries()) {
            if (!page.isClosed())
              await this.screenshot(page, `FAILED-page${index + 1}`).catch(() => undefined);
          }
          throw error;
        }
      },
    ];
  }

  async stop(): Promise<void> {
    await this.browser?.close();
  }
}
