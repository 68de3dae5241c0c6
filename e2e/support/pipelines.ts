// What a person watches on a pipeline page: its status badge and its live figures.
import type { Page } from 'playwright-core';

/** Waits, without reloading, until the pipeline page's status badge says `status`. */
export async function untilPipelineStatus(page: Page, status: string, timeout = 120_000): Promise<void> {
  await page.locator(`[data-testid=pipeline-status][data-status=${status}]`).waitFor({ timeout });
}

/** The text of a figure on the page (e.g. `pipeline-throughput`). */
export async function figure(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).textContent())?.trim() ?? '';
}

/**
 * Polls the DOM until the figure shows a value (not the "—" of no report yet), then until it shows a
 * different one: it moved while the page was open. Returns the two values seen.
 */
export async function untilFigureMoves(
  page: Page,
  testId: string,
  timeout = 120_000,
): Promise<{ first: string; next: string }> {
  const deadline = Date.now() + timeout;
  let first = '';
  for (;;) {
    const value = await figure(page, testId);
    if (!first && value && value !== '—') first = value;
    else if (first && value !== first) return { first, next: value };
    if (Date.now() > deadline) {
      throw new Error(
        first
          ? `${testId} stayed at ${first} for ${timeout / 1000} s`
          : `${testId} showed no value in ${timeout / 1000} s (no checkpoint reached the page)`,
      );
    }
    await page.waitForTimeout(500);
  }
}
