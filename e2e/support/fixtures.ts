// Test fixtures: the page opened on the web host, and peers (the Python
// `jack` module and JACK's tools) on the same private JACK server.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type JackServer, jackServerNamed, jackTool } from '@jackbay/test-support';
import { test as base, _electron as electron, expect, type Page } from '@playwright/test';
import { DESKTOP_APP, ELECTRON_SKIP_REASON, electronBinary } from './electron.ts';
import { forgetGhosts } from './forget-ghosts.ts';

export { expect };

/** The private server started by global-setup, in the shape the peer helpers take. */
export function jackServer(): JackServer {
  const name = process.env.JACKBAY_JACK_SERVER;
  if (!name) throw new Error('global setup did not start a JACK server');
  return jackServerNamed(name);
}

export const ARTIFACTS = join(import.meta.dirname, '..', 'test-results', 'artifacts');

/** Keeps a screenshot as a test artifact (test-results/artifacts/<name>.png). */
export async function keepScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

let announcedElectronSkip = false;

/**
 * `app`: the Jackbay page on the host of the current project — the web host
 * in Chromium ('web'), or the Electron app's window ('electron'), which skips
 * itself, saying why, where the Electron binary is missing.
 */
export const test = base.extend<{ app: Page }>({
  app: async ({ page }, use, testInfo) => {
    if (testInfo.project.name === 'electron') {
      const binary = electronBinary();
      if (!binary && !announcedElectronSkip) {
        announcedElectronSkip = true;
        console.log(`Electron specs skipped: ${ELECTRON_SKIP_REASON}`);
      }
      testInfo.skip(!binary, ELECTRON_SKIP_REASON);
      const app = await electron.launch({
        executablePath: binary ?? undefined,
        args: [DESKTOP_APP],
        env: {
          ...jackServer().env,
          JACKBAY_USER_DATA: testInfo.outputPath('user-data'),
          JACKBAY_CONFIG_DIR: testInfo.outputPath('config'),
        },
      });
      const window = await app.firstWindow();
      await expect(window.getByTestId('server-state')).toHaveAttribute('data-state', 'up', {
        timeout: 10_000,
      });
      await use(window);
      await app.close();
      return;
    }
    const url = process.env.JACKBAY_URL;
    if (!url) throw new Error('global setup did not start the web host');
    await page.goto(url);
    await expect(page.getByTestId('server-state')).toHaveAttribute('data-state', 'up', {
      timeout: 10_000,
    });
    await use(page);
    await forgetGhosts(url);
  },
});

/**
 * Whether `source` is connected to `destination`, as JACK's own jack_lsp sees
 * it. A failed jack_lsp (a busy server refusing a client now and then) counts
 * as "don't know yet": polling callers simply ask again.
 */
export function jackSeesConnection(source: string, destination: string): boolean | null {
  try {
    return jackTool(jackServer(), 'jack_lsp', ['-c', source]).includes(destination);
  } catch {
    return null;
  }
}

/**
 * jack_connect, as a peer would. Already connected is fine: Jackbay re-makes
 * the remembered connections of a client that returns (a test run again, a
 * peer recreated under the same name), possibly before this call.
 */
export function jackConnect(source: string, destination: string): void {
  try {
    jackTool(jackServer(), 'jack_connect', [source, destination]);
  } catch (error) {
    if (!/already connected/.test((error as Error).message)) throw error;
  }
}

/** Polls jack_lsp until the connection is (or is not) there. */
export async function expectJackConnection(
  source: string,
  destination: string,
  connected: boolean,
): Promise<void> {
  await expect
    .poll(() => jackSeesConnection(source, destination), { timeout: 5000, intervals: [100, 200] })
    .toBe(connected);
}

/** The handle of a port, by its full name. */
export function portHandle(page: Page, name: string) {
  return page.locator(`[data-port-name="${name}"]`);
}

/** Drags from one handle to another with the mouse, as a person would. */
export async function dragBetween(page: Page, from: string, to: string): Promise<void> {
  const source = await settledBox(page, from);
  const target = await settledBox(page, to);
  await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 12 });
  await page.mouse.up();
}

// A handle's box once the view stops moving (layout and fit animate).
async function settledBox(page: Page, name: string) {
  let last = await portHandle(page, name).boundingBox();
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(50);
    const box = await portHandle(page, name).boundingBox();
    if (box && last && box.x === last.x && box.y === last.y) return box;
    last = box;
  }
  if (!last) throw new Error(`port handle not visible: ${name}`);
  return last;
}
