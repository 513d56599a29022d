// Markup an attacker got into every text field an editor can set (article,
// its blocks, images and tags, a ticker headline) opened in headless
// Chromium: on the home page, the article's page, its section's and a tag's,
// nothing runs (no dialog, window.__pwned never set), no Content-Security-
// Policy violation shows that markup got as far as the DOM, and the payloads
// read as plain text. The same for a headline arriving live over the stream.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const base = process.env.AKHBAR_GATEWAY_URL;
const editorToken = process.env.AKHBAR_EDITOR_TOKEN;
const chromiumPath = process.env.AKHBAR_CHROMIUM ?? '/usr/bin/chromium';
const section = 'سياسة';  // a section of the demo content

const payloads = [
  '<script>window.__pwned=1;alert(1)</script>',
  '<img src=x onerror="window.__pwned=2;alert(2)">',
  '"><svg onload="window.__pwned=3">',
  '</title><script>window.__pwned=4</script>',
  '\' autofocus onfocus=\'window.__pwned=5\' x=\'',
  '" autofocus onfocus="window.__pwned=6" x="',
  '<a href="javascript:window.__pwned=7">رابط</a>',
];
// A label, then as many payloads as fit in `max` characters.
function fill(label, first, max) {
  let value = label;
  for (let k = 0; k < payloads.length; k++) {
    const next = payloads[(first + k) % payloads.length];
    if ([...value].length + 1 + [...next].length > max) break;
    value += ` ${next}`;
  }
  return value;
}

const stamp = Date.now();
const article = {
  section,
  status: 'ARTICLE_STATUS_PUBLISHED',
  title: fill(`عنوان خبيث ${stamp}`, 0, 200),
  summary: fill('ملخص', 1, 600),
  author: fill('كاتب', 2, 120),
  body: [
    { paragraph: { text: fill('فقرة', 3, 2000) } },
    { heading: { text: fill('عنوان فرعي', 4, 300), level: 2 } },
    { quote: { text: fill('اقتباس', 5, 2000), attribution: fill('قائل', 6, 300) } },
    { image: { url: '/media/a.png?"><script>window.__pwned=8</script>', caption: fill('تعليق', 0, 500),
      alt: fill('وصف', 1, 500), credit: fill('مصور', 2, 500) } },
  ],
  image: { url: "/media/b.png?'onerror='window.__pwned=9'", caption: fill('تعليق رئيسي', 3, 500),
    alt: fill('وصف رئيسي', 4, 500), credit: fill('مصور رئيسي', 5, 500) },
  tags: payloads.map((payload, i) => ({ name: `وسم${i + 1}-${stamp % 1000} ${payload}`.slice(0, 80) })),
};
const headline = {
  text: fill(`خبر خبيث ${stamp}`, 2, 280),
  url: '/x?\'"><svg/onload=window.__pwned=10>',
  author: fill('محرر', 4, 120),
  priority: 'PRIORITY_URGENT',
};

let browser;
let page;
let created;
const dialogs = [];
const violations = [];  // CSP reports, from the console and the DOM event

async function post(path, body) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${editorToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  assert.equal(response.status, 201, `${path}: ${text}`);
  return JSON.parse(text);
}

before(async () => {
  assert.ok(base, 'AKHBAR_GATEWAY_URL must name the gateway under test');
  created = await post('/api/v1/articles', article);
  await post('/api/v1/ticker', headline);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ locale: 'ar' });
  // Injected by the browser itself, before any of the page's scripts: the
  // page's CSP does not apply to it.
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
    });
  });
  page = await context.newPage();
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
});

after(async () => {
  await browser?.close();
});

// Opens `path` and checks that nothing ran and that each of `texts` is on
// the page as text.
async function expectInert(path, texts) {
  const response = await page.goto(`${base}${path}`, { waitUntil: 'load' });
  assert.equal(response.status(), 200, path);
  await page.waitForTimeout(300);  // autofocus and late handlers get their chance
  const state = await page.evaluate(() => ({
    pwned: typeof window.__pwned,
    violations: window.__violations,
    text: document.body.textContent,
    title: document.title,
  }));
  assert.equal(state.pwned, 'undefined', `${path}: injected script ran`);
  assert.deepEqual(dialogs, [], `${path}: a dialog opened`);
  assert.deepEqual([...state.violations, ...violations], [], `${path}: markup reached the DOM`);
  for (const text of texts) {
    assert.ok(state.text.includes(text) || state.title.includes(text), `${path} does not show as text: ${text}`);
  }
}

test('the home page shows the attacker\'s title and headline as text', async () => {
  await expectInert('/', [article.title, headline.text]);
});

test('the article page shows every field as text', async () => {
  const texts = [article.title, article.summary, article.author, headline.text,
    article.body[0].paragraph.text, article.body[1].heading.text, article.body[2].quote.text,
    article.body[2].quote.attribution, article.body[3].image.caption, article.body[3].image.credit,
    article.image.caption, article.image.credit, ...article.tags.map((tag) => tag.name)];
  await expectInert(`/news/${created.id}`, texts);
  assert.match(page.url(), new RegExp(`/news/${created.id}/`));
  const alts = await page.$$eval('img', (images) => images.map((img) => img.getAttribute('alt')));
  assert.ok(alts.includes(article.image.alt), 'the lead image\'s alt is the whole text');
  assert.ok(alts.includes(article.body[3].image.alt), 'the inline image\'s alt is the whole text');
  const link = await page.$$eval('#ticker li', (items, text) => items
    .find((li) => li.textContent.includes(text))?.querySelector('a')?.getAttribute('href'), headline.text);
  assert.equal(link, headline.url, 'the headline\'s link is one attribute, unbroken');
});

test('the section and tag pages show the attacker\'s texts as text', async () => {
  await expectInert(`/section/${encodeURIComponent(section)}`, [article.title, headline.text]);
  for (const tag of created.tags) {
    await expectInert(`/tag/${encodeURIComponent(tag.slug)}`, [tag.name, article.title]);
  }
});

test('a headline arriving live on the open page is text too', async () => {
  await expectInert(`/news/${created.id}`, [article.title]);
  const live = { ...headline, text: fill(`خبر حي ${stamp}`, 0, 280) };
  await post('/api/v1/ticker', live);
  // Polled from here: the page's Content-Security-Policy forbids the eval
  // that waitForFunction would inject.
  const deadline = Date.now() + 5000;
  let strip = [];
  while (Date.now() < deadline) {
    strip = await page.$$eval('#ticker li', (items) => items.map((li) => li.textContent));
    if (strip.some((line) => line.includes(live.text))) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.ok(strip.some((line) => line.includes(live.text)), `the live headline never showed: ${strip}`);
  await page.waitForTimeout(300);
  const state = await page.evaluate(() => ({ pwned: typeof window.__pwned, violations: window.__violations }));
  assert.equal(state.pwned, 'undefined', 'the live headline ran script');
  assert.deepEqual(dialogs, []);
  assert.deepEqual([...state.violations, ...violations], []);
});
