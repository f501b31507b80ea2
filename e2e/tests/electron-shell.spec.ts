// Electron only: the window's security settings (the Electron checklist).
import { expect, test } from '../support/fixtures.ts';

test('the window keeps context isolation and the sandbox, without Node integration', async ({
  app,
}, testInfo) => {
  testInfo.skip(testInfo.project.name !== 'electron', 'about the Electron window only');
  const security = await app.evaluate(() => ({
    // Inside a sandboxed, isolated renderer there is no Node: no require, no process.
    hasRequire: typeof (globalThis as { require?: unknown }).require !== 'undefined',
    hasProcess: typeof (globalThis as { process?: unknown }).process !== 'undefined',
    hasBridge: typeof (globalThis as { jackbay?: unknown }).jackbay === 'object',
  }));
  expect(security).toEqual({ hasRequire: false, hasProcess: false, hasBridge: true });
});
