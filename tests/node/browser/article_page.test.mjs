// A reader's phone opening an article page in headless Chromium (Debian's),
// against a whole stack of our own: right-to-left Arabic layout, the ticker
// strip with «عاجل» first, «موضوعات متعلقة», and a headline pushed by an
// editor appearing without a reload. A screenshot is kept as an artifact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';

const base = process.env.AKHBAR_GATEWAY_URL;
const editorToken = process.env.AKHBAR_EDITOR_TOKEN;
const screenshot = process.env.AKHBAR_SCREENSHOT ?? 'artifacts/article-page.png';
const chromiumPath = process.env.AKHBAR_CHROMIUM ?? '/usr/bin/chromium';

let browser;
let page;
const problems = [];  // console errors and CSP violations

before(async () => {
  assert.ok(base, 'AKHBAR_GATEWAY_URL must name the gateway under test');
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },  // a phone
    deviceScaleFactor: 1,
    locale: 'ar',
  });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
});

after(async () => {
  await browser?.close();
});

test('an article page reads right to left, with the ticker and related articles', async () => {
  const response = await page.goto(`${base}/news/1`, { waitUntil: 'domcontentloaded' });
  assert.equal(response.status(), 200);
  assert.match(page.url(), /\/news\/1\/.+/, 'the short link leads to the canonical page');

  const root = await page.evaluate(() => ({
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    direction: getComputedStyle(document.body).direction,
  }));
  assert.deepEqual(root, { lang: 'ar', dir: 'rtl', direction: 'rtl' });

  const title = await page.$eval('h1', (h1) => h1.textContent.trim());
  assert.ok(/[\u0600-\u06FF]/.test(title), `the title is Arabic: ${title}`);
  // Right to left on screen: the title's text ends at the left, so its right
  // edge sits at the container's right.
  const box = await page.$eval('h1', (h1) => {
    const range = document.createRange();
    range.selectNodeContents(h1);
    const text = range.getBoundingClientRect();
    const own = h1.getBoundingClientRect();
    return { textRight: text.right, boxRight: own.right };
  });
  assert.ok(Math.abs(box.textRight - box.boxRight) < 2, `the title hugs the right edge: ${JSON.stringify(box)}`);

  const ticker = await page.$$eval('#ticker li', (items) =>
    items.map((li) => ({ text: li.textContent.trim(), urgent: li.classList.contains('urgent') })));
  assert.ok(ticker.length > 0, 'the ticker strip shows headlines');
  const firstNonUrgent = ticker.findIndex((item) => !item.urgent);
  if (firstNonUrgent >= 0) {
    assert.ok(ticker.slice(firstNonUrgent).every((item) => !item.urgent), 'urgent items come first');
  }

  const related = await page.$$eval('#related a', (links) => links.map((a) => a.getAttribute('href')));
  assert.ok(related.length > 0, '«موضوعات متعلقة» lists articles');
  for (const href of related) assert.match(href, /^\/news\/\d+\//);
  assert.ok((await page.textContent('#related')).includes('موضوعات متعلقة'));
});

test('a headline pushed by an editor appears on the open page without a reload', async () => {
  const navigations = [];
  page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations.push(frame.url()); });
  const text = `عاجل من اختبار المتصفح ${Date.now()}`;
  const pushed = await fetch(`${base}/api/v1/ticker`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${editorToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ text, priority: 'PRIORITY_URGENT' }),
  });
  assert.equal(pushed.status, 201, await pushed.text());
  // Polled from here: the page's Content-Security-Policy forbids the eval
  // that waitForFunction would inject.
  const deadline = Date.now() + 5000;
  let strip = [];
  while (Date.now() < deadline) {
    strip = await page.$$eval('#ticker li', (items) => items.map((li) => li.textContent));
    if (strip.some((line) => line.includes(text))) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.ok(strip.some((line) => line.includes(text)), `the pushed headline never showed: ${strip}`);
  const first = strip[0];
  assert.ok(first.includes(text), `the newest urgent headline leads the strip, not: ${first}`);
  assert.deepEqual(navigations, [], 'the page did not reload');

  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  assert.deepEqual(problems, [], 'no script errors or blocked resources');
});
