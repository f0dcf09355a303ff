// Stories both console suites tell, whatever the backends behind the page (SQLite and the embedded queue, or
// dynalite and the SQS emulator): one place, so the two suites check the same thing.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { TRIAL_USER } from '../helpers/console-trail.ts';
import { runCli } from '../helpers/spawn-cli.ts';
import { seeText } from './chromium.ts';

/** The header search opens the trial user's timeline, with the sample's Userflow calls in it. */
export async function seeTrialUserTimeline(page: Page, url: string): Promise<void> {
  await page.goto(url);
  const search = page.locator('header search input[name=id]');
  await search.fill(TRIAL_USER);
  await search.press('Enter');
  await seeText(page.getByRole('table', { name: 'Timeline' }), 'Userflow add_membership');
}

/**
 * The playground, given a shipped sample, shows the commands `rules test` prints for it, in order, and the same
 * explanation. Leaves the page on the result.
 */
export async function playgroundAgreesWithRulesTest(page: Page, url: string, cwd: string): Promise<void> {
  const sample = 'samples/stripe/trial-converted.json';
  const cliRun = await runCli(['rules', 'test', '--source', 'stripe', '--payload', sample], { cwd });
  expect(cliRun.code).toBe(0);
  const events = JSON.parse(cliRun.stdout) as { commands: { rule: string; command: { type: string } }[] }[];
  const expected = events.flatMap((e) => e.commands).map((c) => `${c.rule} ${c.command.type}`);
  expect(expected).toContain('trial-converted add_membership');

  await page.goto(`${url}playground?sample=stripe/trial-converted.json`);
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  const rows = page.getByRole('table', { name: 'Commands' }).locator('tbody tr');
  await rows.first().waitFor();
  const shown = (await rows.allInnerTexts()).map((t) => t.split('\t').slice(0, 2).join(' ').trim());
  expect(shown).toEqual(expected);
  const stderrLines = cliRun.stderr.split('\n').filter((l) => /^\s+(matched|no match|skipped)/.test(l));
  expect(await page.locator('pre.explanation').textContent()).toBe(
    stderrLines.map((l) => l.trim()).join('\n'),
  );
}
