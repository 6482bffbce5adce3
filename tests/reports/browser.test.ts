// Opens the HTML report in headless Chromium: it must render without script, errors, dialogs or
// network requests, show its tables and charts, and show a hostile adapter label as plain text.

import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../reports/html/html-report.js';
import { renderJson } from '../../reports/json-report.js';
import { runBench } from '../../runner/bench/run-bench.js';
import type { Cell, ConformanceReport } from '../../runner/result.js';
import { runConformance } from '../../runner/run-conformance.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const WRONG = 'ts-f64:profile=torch,epsPlacement=inside';
const OUT_DIR = resolve('reports/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Adds an adapter labelled with markup and a failed cell of it (a copy of a real failing cell). */
function withHostileAdapter(report: ConformanceReport): ConformanceReport {
  const template = report.adapters.find((a) => a.label === WRONG)!;
  const failing = report.cells.find((c) => c.adapter === WRONG && c.status === 'fail')!;
  const cell: Cell = { ...structuredClone(failing), adapter: HOSTILE };
  return {
    ...report,
    adapters: [...report.adapters, { ...template, label: HOSTILE, short: HOSTILE, describe: `${HOSTILE} (injected)` }],
    cells: [...report.cells, cell],
    summary: { ...report.summary, fail: report.summary.fail + 1, exitCode: 1 },
  };
}

let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
});

describe('the HTML report in a browser', () => {
  it('renders offline without script, errors or dialogs, with its tables and charts, and escapes hostile labels', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `no Chromium at ${CHROMIUM}: run \`bash scripts/setup-system.sh\` (installs Debian's chromium) or set CHROMIUM_PATH`,
      );
    }
    const conformance = await runConformance({
      adapters: ['ts-f64', 'ts-f32', WRONG],
      suites: ['problems'],
      cases: ['problems/quad2d', 'problems/rosenbrock'],
      isolation: 'in-process',
      differences: true,
    });
    const scratch = mkdtempSync(join(tmpdir(), 'rmsprop-html-'));
    const conformanceFile = join(scratch, 'conformance.json');
    writeFileSync(conformanceFile, renderJson(conformance));
    const bench = await runBench({
      targets: ['ts-f32', 'wasm-simd'],
      sizes: [1000, 10000],
      dtype: 'float32',
      profile: 'torch',
      timeMs: 20,
      models: [],
      accuracyFile: conformanceFile,
    });
    expect(bench.results.some((r) => r.status === 'ok')).toBe(true);

    const doc = await renderHtml(withHostileAdapter(conformance), bench);
    expect(doc.length).toBeLessThan(5 * 2 ** 20);
    mkdirSync(OUT_DIR, { recursive: true });
    const htmlFile = join(OUT_DIR, 'report.html');
    writeFileSync(htmlFile, doc);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog opened: ${d.type()} ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) problems.push(`request: ${r.url()}`);
    });
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load' });

    const visibleBox = async (selector: string) => {
      const el = page.locator(selector).first();
      expect(await el.isVisible(), `${selector} visible`).toBe(true);
      const box = await el.boundingBox();
      expect(box, `${selector} has a box`).not.toBeNull();
      expect(box!.width, `${selector} width`).toBeGreaterThan(50);
      expect(box!.height, `${selector} height`).toBeGreaterThan(50);
    };
    await visibleBox('#adapters');
    await visibleBox('#coverage-heatmap');
    await visibleBox('#divergence figure svg');
    await visibleBox('#trajectories figure svg');
    await visibleBox('#throughput figure svg');
    expect(await page.locator('#divergence figure svg').count()).toBe(2);
    // accuracy versus speed: one row per benchmarked adapter, the bench's targets in the throughput legend
    expect(await page.locator('#accuracy-speed tbody tr').count()).toBe(2);
    expect(await page.locator('#throughput svg text', { hasText: 'wasm-simd' }).count()).toBeGreaterThan(0);
    expect(await page.locator('#coverage-heatmap [data-status="fail"]').count()).toBe(conformance.summary.fail + 1);

    // the label is text, not an element: it is visible as written and no <img> exists
    const label = page.locator('#adapters').getByText(HOSTILE, { exact: true });
    expect(await label.count()).toBe(1);
    expect(await label.isVisible()).toBe(true);
    expect(await page.getByText(HOSTILE).first().isVisible()).toBe(true);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(0);
    // the hostile adapter's failure is listed and plotted
    expect(await page.locator('#failures').getByText(HOSTILE).count()).toBeGreaterThan(0);
    expect(await page.locator('#divergence svg text', { hasText: HOSTILE }).count()).toBeGreaterThan(0);

    // How the frameworks differ: the profiles x profiles heatmap links each cell to its comparison chart on the page.
    await visibleBox('#difference-matrix');
    await visibleBox('#naming-table');
    const profiles = conformance.differences!.profiles.length;
    expect(await page.locator('#difference-matrix tbody tr').count()).toBe(profiles);
    const links = page.locator('#difference-matrix a[href^="#cmp-"]');
    expect(await links.count()).toBe(2 * conformance.differences!.comparisons.length);
    for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')!))) {
      expect(await page.locator(`figure${href} svg`).count(), href).toBe(1);
    }
    const torchKeras = page
      .locator('#difference-matrix tr', { has: page.locator('th', { hasText: /^torch@2\.1$/ }) })
      .locator('td[title^="torch@2.1 vs keras@3"] a');
    const target = await torchKeras.getAttribute('href');
    await torchKeras.click();
    expect(page.url().endsWith(target!)).toBe(true);
    const figure = page.locator(`figure${target}`);
    expect(await figure.isVisible()).toBe(true);
    expect(await figure.getAttribute('data-a')).toBe('torch@2.1');
    expect(await figure.locator('figcaption').innerText()).toMatch(/Responsible: .*\w/);
    // the naming table: each framework's word, the traps marked
    const rowNames = await page.locator('#naming-table tbody th').allInnerTexts();
    const decayRow = rowNames.findIndex((t) => t.replace(/\W/g, '') === 'decay');
    expect(decayRow, rowNames.join(' | ')).toBeGreaterThanOrEqual(0);
    const decay = page.locator('#naming-table tbody tr').nth(decayRow);
    const alphaUsers = Object.values(conformance.differences!.naming.find((r) => r.hyperparameter === 'decay')!.names).filter(
      (n) => n === 'alpha',
    ).length;
    expect(alphaUsers).toBeGreaterThanOrEqual(1); // torch, chainer, ...
    expect(await decay.locator('code', { hasText: /^alpha$/ }).count()).toBe(alphaUsers);
    expect(await decay.locator('th .trap').count()).toBe(1);
    expect(await decay.innerText()).toMatch(/'decay' means lrDecay in keras2-legacy/);
    expect(await decay.innerText()).toMatch(/'gamma1' is the decay rho/);
    expect(await page.locator('#naming-table tr.has-trap').count()).toBeGreaterThanOrEqual(2);

    await page.screenshot({ path: join(OUT_DIR, 'report.png'), fullPage: true });
    expect(existsSync(join(OUT_DIR, 'report.png'))).toBe(true);
    expect(problems).toEqual([]);
  }, 90_000);
});
