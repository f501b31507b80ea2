// The page's memory (issue 11: < 300 MB at 10,000 ports): the proportional
// set size (PSS: private pages, plus shared ones divided among their users)
// of the renderer process that runs the page, from /proc, with the JS heap
// and the DOM's counts from Chromium beside it.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from '@playwright/test';

export interface PageMemory {
  /** The renderer process's PSS, MB. */
  pss: number;
  /** The page's JS heap in use, MB. */
  jsHeap: number;
  domNodes: number;
  listeners: number;
}

function pssMb(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? Number.NaN) / 1024;
}

/**
 * `page`'s memory. Chromium names its processes but not which page each
 * renderer runs: the caller keeps one page open, and the largest renderer is
 * that page's (a spare renderer holds a few MB).
 */
export async function pageMemory(browser: Browser, page: Page): Promise<PageMemory> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  const dom = (await cdp.send('Memory.getDOMCounters')) as {
    nodes: number;
    jsEventListeners: number;
  };
  await cdp.detach();
  const session = await browser.newBrowserCDPSession();
  const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as {
    processInfo: Array<{ type: string; id: number }>;
  };
  await session.detach();
  const renderers = processInfo.filter((p) => p.type === 'renderer').map((p) => pssMb(p.id));
  return {
    pss: Math.max(...renderers),
    jsHeap: usedSize / 1024 / 1024,
    domNodes: dom.nodes,
    listeners: dom.jsEventListeners,
  };
}

export const describeMemory = (m: PageMemory) =>
  `renderer PSS ${m.pss.toFixed(0)} MB, JS heap ${m.jsHeap.toFixed(0)} MB, ${m.domNodes} DOM nodes, ${m.listeners} listeners`;
