// The emulator page in a real browser (Debian's chromium driven by playwright-core) against a real
// Bolt app: a person types `/mesh diagnose demo`, sees the ack, watches the parent message change
// without a reload, opens the thread, reads the Block Kit report, approves the fix in a modal and
// sees the reply. Fails (never skips) when chromium is missing.

import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOB, BOT_TOKEN, type Rig, startRig } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// Generous: auto-waiting returns as soon as the page is ready; this is only the give-up point.
const WAIT = { timeout: 30_000 };
/** Where the screenshots go (kept after the run, so a person can look at them). */
const SCREENSHOT_DIR = join(tmpdir(), 'mesh-medic-emulator-screenshots');

let rig: Rig;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with "apt-get install -y chromium" (Debian/Ubuntu)`);
  rig = await startRig();
  userDataDir = mkdtempSync(join(tmpdir(), 'mesh-medic-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 800 } });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(WAIT.timeout);
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(rig.emulator.url);
});

afterAll(async () => {
  await context?.close();
  await rig?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

const text = (selector: string) => () => page.locator(selector).allTextContents();

describe('the Slack emulator page in chromium', () => {
  it('runs a diagnosis, shows the report thread with Block Kit, and approves the fix through a modal', async () => {
    await expect.poll(text('#channel-list .channel-name'), WAIT).toEqual(['mesh-alerts', 'mesh-prod', 'general']);
    await expect.poll(text('#channel-title'), WAIT).toEqual(['# mesh-alerts']);
    // Survives only if the page is never reloaded: what appears next came over the event stream.
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    await page.locator('#composer-input').fill('/mesh diagnose demo');
    await page.locator('#composer-input').press('Enter');

    const ack = page.locator('#message-list .msg-ephemeral');
    await expect.poll(() => ack.textContent(), WAIT).toContain('Queued a diagnosis of demo (3 checks)');
    expect(await ack.locator('.msg-ephemeral-note').textContent()).toBe('👁 Only visible to you');

    const parent = page.locator('#message-list .msg[data-kind="message"]');
    await expect.poll(() => parent.textContent(), WAIT).toContain('demo: 1 failing check');
    expect(await parent.count()).toBe(1);
    expect(await parent.locator('.msg-edited').textContent()).toBe('(edited)');
    expect(await parent.locator('.mention').textContent()).toBe('@alice');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

    await parent.locator('.msg-replies-link', { hasText: '1 reply' }).click();
    const thread = page.locator('#thread');
    await expect.poll(() => thread.locator('.blk-header').textContent(), WAIT).toBe('Diagnosis of demo');
    const finding = thread.locator('.blk-section', { hasText: /FAIL · critical/ }).first();
    expect(await finding.locator('b').first().textContent()).toBe('FAIL');
    expect(await finding.locator('code').first().textContent()).toBe('istiod-remote-endpoints');
    expect(await finding.locator('.emoji').first().getAttribute('title')).toBe(':red_circle:');
    expect(await finding.locator('.emoji').first().textContent()).toBe('🔴');
    expect(await thread.locator('.blk-context', { hasText: 'API calls' }).textContent()).toBe('Started 2025-01-01T10:00:00.000Z · 4.2 s · 57 API calls');
    // The hostile log line is shown as the text it is, inside the evidence code block.
    expect(await thread.locator('pre').first().textContent()).toContain('<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1">');
    expect(await page.evaluate(() => ({ pwned: (window as unknown as { __pwned?: number }).__pwned, imgs: document.querySelectorAll('img').length, scripts: document.scripts.length }))).toEqual({ pwned: undefined, imgs: 0, scripts: 1 });

    const approve = thread.getByRole('button', { name: 'Approve' });
    const reject = thread.getByRole('button', { name: 'Reject' });
    expect(await approve.getAttribute('class')).toContain('blk-button-primary');
    expect(await reject.getAttribute('class')).toContain('blk-button-danger');
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const reportShot = join(SCREENSHOT_DIR, 'report.png');
    await page.screenshot({ path: reportShot });
    expect(statSync(reportShot).size).toBeGreaterThan(20_000);

    await approve.click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.locator('.modal-title').textContent(), WAIT).toBe('Approve fix');
    expect(await dialog.locator('.blk-text code').textContent()).toBe('prop-istiod-remote-endpoints');
    const submit = dialog.getByRole('button', { name: 'Apply fix' });
    await submit.click();
    await expect.poll(() => dialog.locator('.blk-input-error').textContent(), WAIT).toBe('Please complete this required field.');
    await dialog.getByLabel('Reason').fill('bad');
    await submit.click();
    await expect.poll(() => dialog.locator('.blk-input-error').textContent(), WAIT).toBe('Give a real reason');
    await dialog.getByLabel('Reason').fill('restores xDS');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'modal.png') });
    await submit.click();
    await expect.poll(() => dialog.count(), WAIT).toBe(0);

    const reply = thread.locator('.msg', { hasText: 'approved' });
    await expect.poll(() => reply.locator('.msg-text').textContent(), WAIT).toBe('✅ @alice approved prop-istiod-remote-endpoints: restores xDS');
    expect(await thread.locator('#thread-count').textContent()).toBe('2 replies');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'approved.png') });
    expect(pageErrors).toEqual([]);
  });

  it('shows ephemeral messages only to the person they were for', async () => {
    await page.locator('#user-switcher').selectOption(BOB);
    await expect.poll(() => page.locator('#me-avatar').textContent(), WAIT).toBe('B');
    await expect.poll(() => page.locator('#message-list .msg').count(), WAIT).toBe(1);
    expect(await page.locator('#message-list').textContent()).not.toContain('Only visible to you');
    expect(await page.locator('#message-list').textContent()).toContain('demo: 1 failing check');
  });

  it('renders hostile text a person types as text, with mrkdwn still working around it', async () => {
    await page.locator('#channel-list .channel', { hasText: 'general' }).click();
    await expect.poll(text('#channel-title'), WAIT).toEqual(['# general']);
    const hostile = '<img src=x onerror="window.__pwned=1"> *really bold* <script>window.__pwned=2</script> <javascript:alert(1)|click> :warning:';
    await page.locator('#composer-input').fill(hostile);
    await page.locator('#composer-input').press('Enter');
    const message = page.locator('#message-list .msg-text');
    await expect.poll(() => message.textContent(), WAIT).toBe('<img src=x onerror="window.__pwned=1"> really bold <script>window.__pwned=2</script> <javascript:alert(1)|click> ⚠️');
    expect(await message.locator('b').textContent()).toBe('really bold');
    expect(await page.locator('#message-list .msg-author').textContent()).toBe('bob');
    expect(await page.evaluate(() => ({ pwned: (window as unknown as { __pwned?: number }).__pwned, imgs: document.querySelectorAll('img').length, links: document.querySelectorAll('#message-list a').length }))).toEqual({ pwned: undefined, imgs: 0, links: 0 });
  });

  it('renders section fields, accessory buttons, links, images and unknown blocks, and answers an accessory click', async () => {
    const client = new WebClient(BOT_TOKEN, { slackApiUrl: rig.emulator.webApi.url, retryConfig: { retries: 0 } });
    await page.locator('#channel-list .channel', { hasText: 'mesh-prod' }).click();
    await expect.poll(text('#channel-title'), WAIT).toEqual(['# mesh-prod']);
    await client.chat.postMessage({
      channel: '#mesh-prod',
      text: 'cluster card',
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '*Cluster* <https://example.com/c|hosted-east>' },
          fields: [
            { type: 'mrkdwn', text: '*Mesh*\nmesh1' },
            { type: 'mrkdwn', text: '*Role*\nremote' },
          ],
          accessory: { type: 'button', action_id: 'show_details', value: 'hosted-east', text: { type: 'plain_text', text: 'Details' } },
        },
        { type: 'divider' },
        { type: 'image', image_url: 'https://example.com/xds.png', alt_text: 'xDS errors per minute' },
        { type: 'rich_text', elements: [] },
      ],
    });
    const card = page.locator('#message-list .msg', { hasText: 'hosted-east' });
    await expect.poll(() => card.locator('.blk-field').allTextContents(), WAIT).toEqual(['Mesh\nmesh1', 'Role\nremote']);
    expect(await card.locator('a').getAttribute('href')).toBe('https://example.com/c');
    expect(await card.locator('hr.blk-divider').count()).toBe(1);
    expect(await card.locator('.blk-image').textContent()).toBe('🖼 xDS errors per minute');
    expect(await card.locator('.blk-unsupported').textContent()).toBe('[unsupported block: rich_text]');

    await card.locator('.blk-accessory').getByRole('button', { name: 'Details' }).click();
    const details = page.locator('#message-list .msg-ephemeral', { hasText: 'Details for' });
    await expect.poll(() => details.locator('.msg-text').textContent(), WAIT).toBe('Details for hosted-east');
    expect(await details.locator('.msg-text b').textContent()).toBe('hosted-east');
  });
});
