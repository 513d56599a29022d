// The site's stylesheet and its one script, served from memory. Kept here as
// raw strings so the binary is the whole deployment; both are small.
#include "services/gateway/pages/pages.h"

namespace akhbar::gateway::pages {

std::string_view SiteCss() {
  return R"css(:root {
  --ink: #1a1a1a; --muted: #5f6368; --line: #e3e3e3; --accent: #a50e0e; --paper: #fff;
  --important: #b45309;
  font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Geeza Pro", "Arial", sans-serif;
}
* { box-sizing: border-box; }
html { direction: rtl; }
body { margin: 0; color: var(--ink); background: var(--paper); line-height: 1.8; font-size: 1.0625rem;
       text-rendering: optimizeLegibility; }
a { color: inherit; }
a:hover, a:focus { color: var(--accent); }
.masthead, .sections ul, .ticker, main, .footer { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
.masthead { padding-top: 1rem; border-bottom: 3px double var(--ink); text-align: center; }
.site-name { display: inline-block; font-size: 2rem; font-weight: 700; text-decoration: none; }
.tagline { margin: 0; color: var(--muted); }
.board { margin: .25rem 0 .75rem; font-size: .85rem; color: var(--muted); }
.board span { display: inline-block; margin: 0 .5rem; }
.sections ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding-block: .5rem;
               border-bottom: 1px solid var(--line); }
.sections a { text-decoration: none; font-weight: 600; }
.ticker { display: flex; gap: .75rem; align-items: baseline; padding-block: .5rem; border-bottom: 1px solid var(--line);
          overflow-x: auto; }
.ticker-title { flex: none; margin: 0; font-size: 1rem; color: var(--accent); }
.ticker ul { list-style: none; display: flex; gap: 1.5rem; margin: 0; padding: 0; white-space: nowrap; }
.ticker li.urgent { font-weight: 700; }
.ticker li.important { color: var(--important); }
.badge { background: var(--accent); color: #fff; border-radius: .25rem; padding: 0 .4rem; font-size: .85rem; }
main { padding-block: 1rem 2rem; }
h1 { font-size: 1.75rem; line-height: 1.4; margin: .25rem 0 .5rem; }
h2 { font-size: 1.3rem; line-height: 1.4; }
.section-name { margin: 0; font-weight: 600; color: var(--accent); }
.section-name a { text-decoration: none; }
.meta { color: var(--muted); font-size: .9rem; margin: 0 0 1rem; }
.meta .author::before { content: "· "; }
.summary { font-size: 1.15rem; font-weight: 600; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: .85rem; }
blockquote { margin: 1rem 0; padding-inline-start: 1rem; border-inline-start: 4px solid var(--accent); }
blockquote footer { color: var(--muted); font-size: .9rem; }
.tags { list-style: none; display: flex; flex-wrap: wrap; gap: .5rem; padding: 0; margin: 1.5rem 0; }
.tags a { display: inline-block; border: 1px solid var(--line); border-radius: 1rem; padding: 0 .75rem;
          text-decoration: none; font-size: .9rem; }
.related { border-top: 3px solid var(--ink); margin-top: 2rem; }
.related h2 { margin: .5rem 0; }
.articles, .related ul { list-style: none; padding: 0; margin: 0; }
.articles li, .related li { padding: .5rem 0; border-bottom: 1px solid var(--line); }
.articles a, .related a { text-decoration: none; font-weight: 600; }
.articles time, .related time { display: block; color: var(--muted); font-size: .8rem; }
.block h2 a { text-decoration: none; }
.more { margin-top: 1rem; }
.footer { border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; padding-block: 1rem; }
@media (min-width: 48rem) {
  h1 { font-size: 2.25rem; }
  .block { display: inline-block; width: calc(50% - 1rem); vertical-align: top; margin-inline-end: 1rem; }
}
@media print {
  .sections, .ticker, .related, .tags, .footer, .more { display: none; }
  body { font-size: 12pt; line-height: 1.6; color: #000; }
  .masthead { border-bottom: 1px solid #000; }
  .board { display: none; }
  a { text-decoration: none; }
  figure, blockquote { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
}
)css";
}

std::string_view TickerJs() {
  return R"js(// Keeps the ticker strip live from the gateway's event stream. The page
// works without it; built with DOM calls and textContent only, so a
// headline is always text, never markup.
(function () {
  'use strict';
  var strip = document.getElementById('ticker');
  if (!strip || !window.EventSource) return;
  var list = strip.querySelector('ul');
  var items = {};
  var rank = { PRIORITY_URGENT: 0, PRIORITY_IMPORTANT: 1, PRIORITY_NORMAL: 2 };

  function when(item) { return Date.parse(item.startsAt || item.createdAt || 0) || 0; }
  function before(a, b) {
    var ra = rank[a.priority] !== undefined ? rank[a.priority] : 3;
    var rb = rank[b.priority] !== undefined ? rank[b.priority] : 3;
    if (ra !== rb) return ra - rb;
    if (when(a) !== when(b)) return when(b) - when(a);
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  }
  // The server's rule: http(s) or site-relative, never "//host", and no
  // control character (browsers drop tabs and newlines: "/\n/x" is "//x").
  function safeUrl(url) {
    if (/[\u0000-\u001f\u007f]/.test(url)) return false;
    return /^https?:\/\//.test(url) || (/^\//.test(url) && !/^\/[\/\\]/.test(url));
  }
  function render(item) {
    var li = document.createElement('li');
    li.dataset.id = item.id;
    if (item.priority === 'PRIORITY_URGENT') li.className = 'urgent';
    if (item.priority === 'PRIORITY_IMPORTANT') li.className = 'important';
    if (item.priority === 'PRIORITY_URGENT') {
      var badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = 'عاجل';
      li.appendChild(badge);
      li.appendChild(document.createTextNode(' '));
    }
    // int64 travels as a string in proto3 JSON.
    var article = /^[1-9][0-9]*$/.test(String(item.articleId || '')) ? item.articleId : '';
    var href = article ? '/news/' + article : (item.url && safeUrl(item.url) ? item.url : '');
    var text = document.createTextNode(item.text || '');
    if (href) {
      var link = document.createElement('a');
      link.href = href;
      link.appendChild(text);
      li.appendChild(link);
    } else {
      li.appendChild(text);
    }
    return li;
  }
  function redraw() {
    var sorted = Object.keys(items).map(function (id) { return items[id]; }).sort(before);
    var fresh = document.createDocumentFragment();
    sorted.forEach(function (item) { fresh.appendChild(render(item)); });
    list.replaceChildren(fresh);
  }
  var url = '/api/v1/ticker/stream?section=' + encodeURIComponent(strip.dataset.section || '');
  var source = new EventSource(url);
  source.addEventListener('snapshot', function (event) {
    items = {};
    (JSON.parse(event.data).items || []).forEach(function (item) { items[item.id] = item; });
    redraw();
  });
  ['added', 'updated'].forEach(function (kind) {
    source.addEventListener(kind, function (event) {
      var item = JSON.parse(event.data);
      items[item.id] = item;
      redraw();
    });
  });
  ['removed', 'expired'].forEach(function (kind) {
    source.addEventListener(kind, function (event) {
      delete items[JSON.parse(event.data).id];
      redraw();
    });
  });
})();
)js";
}

}  // namespace akhbar::gateway::pages
