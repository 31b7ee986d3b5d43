// Browser tests: the real server process (built web app, temp DATA_DIR), the fake OpenAI-compatible
// LLM server, and Debian's Chromium driven by playwright-core. Never downloads a browser.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, type ConsoleMessage, chromium, type Page } from 'playwright-core';
import { buildWeb } from '../../web/build.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { type Backend, createTestDatabase } from '../support/database.ts';
import { type ServerProcess, startServerProcess } from '../support/processes.ts';
import { seriousViolations } from './axe.ts';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const artifactsDir = path.resolve(import.meta.dirname, '../../test-artifacts/web');

export const owner = { email: 'owner@example.com', password: 'a-long-owner-password' };

export interface WebHarness {
  server: ServerProcess;
  llm: FakeServer;
  browser: Browser;
  dataDir: string;
  /** Console errors and uncaught page errors seen by any page of this harness. */
  problems: string[];
  /** Serious or critical axe-core violations, per captured page. */
  accessibility: string[];
  newContext(options?: { width?: number; height?: number; mobile?: boolean }): Promise<BrowserContext>;
  screenshot(page: Page, name: string): Promise<void>;
  /** A screenshot plus an axe-core pass over the page as it is now (violations land in `accessibility`). */
  capture(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

// The network layer logs expected API refusals (401 before sign-in, 400 validation answers) as
// console errors; everything else — script errors, CSP violations, other statuses — is a problem.
const expectedNetworkNoise = /Failed to load resource: the server responded with a status of (400|401)/;

export async function startWebHarness(env: Record<string, string> = {}): Promise<WebHarness> {
  if (!existsSync(chromiumPath))
    throw new Error(`Chromium not found at ${chromiumPath} (apt-get install -y chromium)`);
  await buildWeb({ quiet: true });
  mkdirSync(artifactsDir, { recursive: true });
  const llm = await startOpenAiServer();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'blogsmith-web-'));
  // PGlite by default (a newcomer's setup); WEB_TEST_BACKEND=postgres uses a fresh database on the
  // machine's PostgreSQL, which starts far faster on a loaded machine.
  const database = await createTestDatabase(
    (process.env.WEB_TEST_BACKEND as Backend | undefined) ?? 'pglite',
  );
  const server = await startServerProcess({
    DATA_DIR: dataDir,
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    RATE_LIMIT_ENABLED: 'false',
    // The operator's allowance for a model server on this machine (the fake the UI connects).
    LLM_ALLOW_HOSTS: '127.0.0.1',
    // The fake embedder returns 8-dimensional vectors.
    EMBEDDING_DIMENSIONS: '8',
    ...env,
  });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
  const problems: string[] = [];
  const accessibility: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (msg: ConsoleMessage) => {
      if (msg.type() !== 'error' || expectedNetworkNoise.test(msg.text())) return;
      problems.push(`${page.url()}: console.error ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`${page.url()}: ${err.message}`));
  };
  const screenshot = async (page: Page, name: string) => {
    await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
  };
  return {
    server,
    llm,
    browser,
    dataDir,
    problems,
    accessibility,
    async newContext(options = {}) {
      const context = await browser.newContext({
        baseURL: server.base,
        viewport: { width: options.width ?? 1280, height: options.height ?? 860 },
        isMobile: options.mobile ?? false,
        hasTouch: options.mobile ?? false,
        acceptDownloads: true,
        reducedMotion: 'reduce',
      });
      context.on('page', watch);
      return context;
    },
    screenshot,
    async capture(page, name) {
      await screenshot(page, name);
      for (const v of await seriousViolations(page))
        accessibility.push(`${name} ${new URL(page.url()).pathname}: ${v}`);
    },
    async close() {
      await browser.close().catch(() => {});
      await server.stop();
      await database.drop();
      await llm.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in through the form (the context then holds the session cookie). */
/**
 * Invites `member` into the workspace of the owner signed in on `inviter` and accepts it with their
 * password, through the API: a member to sign in with (`signIn`) in a context of their own.
 */
export async function invitedMember(
  h: WebHarness,
  inviter: BrowserContext,
  member: { email: string; password: string; role: 'viewer' | 'editor' | 'admin' },
): Promise<void> {
  const invited = await inviter.request.post('/api/v1/members', {
    headers: { origin: h.server.base },
    data: { email: member.email, role: member.role },
  });
  if (invited.status() !== 201) throw new Error(`invite failed: ${invited.status()} ${await invited.text()}`);
  const { token } = (await invited.json()) as { token: string };
  const accepted = await fetch(`${h.server.base}/api/v1/invitations/${token}/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password: member.password }),
  });
  if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status} ${await accepted.text()}`);
}

export async function signIn(page: Page, who = owner) {
  await page.goto('/');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
}

/** True when nothing on the page is wider than the viewport (no sideways scrolling). */
export async function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}

/** Presses Tab until the focused element matches `accessibleText`; fails after `max` presses. */
export async function tabTo(page: Page, matches: (text: string) => boolean, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const text = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return '';
      const labelled = el.getAttribute('aria-label');
      const id = el.id;
      const label = id ? document.querySelector(`label[for="${id}"]`)?.textContent : null;
      return (labelled ?? label ?? el.textContent ?? '').trim();
    });
    if (matches(text)) return;
  }
  throw new Error('tabTo: element not reached by keyboard');
}

/** The focused element shows a visible focus indicator (outline or box-shadow). */
export async function focusIsVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return false;
    const style = getComputedStyle(el);
    return (
      (style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0) ||
      style.boxShadow !== 'none'
    );
  });
}
