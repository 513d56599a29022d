#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/ (committed).

Seeds are the project's own demo content (deploy/seed/*.jsonl) and short
hand-written cases for what the demo content lacks. Run it again after
changing either; it replaces each corpus folder whole. The fuzzers' own finds
stay in the build folder (tests/fuzz/run.sh) and are not committed.
"""
import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fuzz" / "corpus"

ARTICLES = [json.loads(line) for line in (ROOT / "deploy/seed/articles.jsonl").open(encoding="utf-8")]
TICKER = [line.rstrip("\n") for line in (ROOT / "deploy/seed/ticker.jsonl").open(encoding="utf-8")]


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def short_article(article, paragraphs=1):
    """A demo article with its body cut short: the fuzzers mutate structure, not prose."""
    article = dict(article)
    article["body"] = article["body"][:paragraphs]
    return article


def write(target, seeds):
    folder = OUT / target
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, data in seeds.items():
        if isinstance(data, str):
            data = data.encode("utf-8")
        (folder / name).write_bytes(data)


# Arabic text with what folding has to handle: hamza forms, harakat, tatweel,
# digits, bidi and zero-width marks, decomposed hamza, Latin with accents.
TEXTS = {
    "hamza-forms": "أحمد إبراهيم آمنة ٱلله",
    "harakat": "مُحَمَّدٌ رَسُولُ",
    "tatweel": "الســـــلام عليـــكم",
    "digits": "قمة ٢٠٢٦ و۱۴۰۵ و2027",
    "zwnj-bidi": "منظمة\u200cالتعاون \u200f\u061cالإسلامي\ufeff",
    "decomposed-hamza": "مسو\u0654ول شي\u0654 ه\u0670ذا",
    "decomposed-hamza-harakat": "و\u064e\u0654 ي\u0651\u0654",
    "matching-letters": "مدرسة على مستشفى مؤتمر رئيس",
    "latin": "José Ünal ŞAHİN Łódź İstanbul Ÿ",
    "mixed-punctuation": "«عاجل»: الأمم المتحدة، اليوم؛ هل؟ ٪٥٠",
    "spaces": "  \t\n\u00a0\u2003كلمة\u3000\u2028أخرى  ",
    "soft-hyphen": "الاستـ\u00adقلال",
    "quranic-marks": "ٱلرَّحۡمَٰنِ ۖ ٱلرَّحِيمِ",
    "invalid-utf8": b"\xd8\xa7\xff\xd8 \xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf",
    "truncated": b"\xd8\xa7\xd9",
    "empty": "",
}
for index, article in enumerate(ARTICLES[:10]):
    TEXTS[f"title-{article['externalId']}"] = article["title"]
for index, article in enumerate(ARTICLES[:4]):
    TEXTS[f"tags-{article['externalId']}"] = " | ".join(article.get("tags", []))
write("arabic_fold", TEXTS)

# slug: the first byte is the word limit (mod 12); 10 is the services' default.
SLUGS = {name: (bytes([10]) + (text if isinstance(text, bytes) else text.encode("utf-8")))
         for name, text in TEXTS.items()}
SLUGS.update({
    "limit-2": bytes([2]) + "وزراء خارجية الدول الإسلامية".encode(),
    "limit-0": bytes([0]) + "عنوان".encode(),
    "valid-slug": bytes([10]) + "منظمة-التعاون-الاسلامي-2026".encode(),
    "valid-latin-slug": bytes([10]) + "jose-unal".encode(),
    "long-word": bytes([10]) + ("ب" * 150).encode(),
    "long-title": bytes([10]) + " ".join(["كلمة"] * 40).encode(),
    "combining-latin": bytes([10]) + "e\u0301cole cafe\u0301".encode(),
})
write("slug", SLUGS)

ROUTES = [
    "GET /", "HEAD /", "POST /", "GET /healthz", "GET /readyz", "GET /openapi.json",
    "GET /static/site.css", "GET /static/ticker.js",
    "GET /news/12", "GET /news/12/%D9%82%D9%85%D8%A9-%D9%81%D9%8A-%D8%AC%D8%AF%D8%A9",
    "GET /section/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9?page=2", "GET /tag/منظمة-التعاون",
    "GET /api/v1/articles?section=%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9&pageSize=10&tag=a+b",
    "POST /api/v1/articles", "PUT /api/v1/articles",
    "GET /api/v1/articles/12", "PATCH /api/v1/articles/12?version=3",
    "DELETE /api/v1/articles/12", "POST /api/v1/articles/12:publish",
    "POST /api/v1/articles/12:unpublish?version=4", "GET /api/v1/articles/12:frobnicate",
    "GET /api/v1/articles/by-slug/%D9%82%D9%85%D8%A9", "GET /api/v1/articles/12/related",
    "POST /api/v1/articles:import", "GET /api/v1/sections", "GET /api/v1/tags/%G1",
    "GET /api/v1/ticker?section=%D8%A7%D9%82%D8%AA%D8%B5%D8%A7%D8%AF",
    "GET /api/v1/ticker/stream?lastEventId=42", "POST /api/v1/ticker",
    "PATCH /api/v1/ticker/t-1\n\"v7\"", "DELETE /api/v1/ticker/t-1",
    "PATCH /api/v1/articles/0007\nW/\"v2\"", "PATCH /api/v1/articles/-1\n 9 ",
    "GET /api/v2/articles", "GET /a/b/c/d/e/f", "GET //news//", "BREW /news/1",
    "GET /api/v1/articles?pageSize=99999999999999999999&version=%",
]
write("router", {f"route-{i:02d}": route for i, route in enumerate(ROUTES)})


def request(method, target, body=b"", headers=(), version="1.1"):
    if isinstance(body, str):
        body = body.encode("utf-8")
    lines = [f"{method} {target} HTTP/{version}", "Host: 127.0.0.1"]
    lines += list(headers)
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


CREATE = compact({"section": "سياسة", "title": "قمة في جدة", "summary": "ملخص",
                  "body": [{"paragraph": {"text": "فقرة أولى."}},
                           {"heading": {"text": "عنوان فرعي", "level": 2}},
                           {"quote": {"text": "قول", "attribution": "قائل"}}],
                  "tags": [{"name": "منظمة التعاون الإسلامي"}], "author": "قسم الأخبار",
                  "image": {"url": "/img/a.jpg", "alt": "صورة"}})
PUSH = compact({"text": "عاجل: خبر", "priority": "PRIORITY_URGENT", "sections": ["اقتصاد"],
                "articleId": "12", "expiresAt": "2026-11-28T12:00:00Z"})
IMPORT = "\n".join(compact(short_article(a)) for a in ARTICLES[:2]) + "\n\n"
HTTP = {
    "get-home": request("GET", "/"),
    "head-article": request("HEAD", "/news/12/slug"),
    "keep-alive-pipeline": request("GET", "/healthz") + request("GET", "/api/v1/sections")
    + request("HEAD", "/api/v1/articles/5") + request("GET", "/api/v1/ticker?section=x"),
    "http10": request("GET", "/readyz", version="1.0"),
    "http10-keep-alive": request("GET", "/", headers=["Connection: keep-alive"], version="1.0")
    + request("GET", "/healthz", version="1.0"),
    "connection-close": request("GET", "/", headers=["Connection: close"]) + request("GET", "/"),
    "if-none-match": request("GET", "/api/v1/sections", headers=['If-None-Match: W/"x", *']),
    "create-article": request("POST", "/api/v1/articles", CREATE,
                              ["Content-Type: application/json", "Authorization: Bearer t",
                               "Idempotency-Key: k1"]),
    "update-article": request("PATCH", "/api/v1/articles/12", compact({"title": "جديد", "id": "12"}),
                              ['If-Match: "v3"', "Content-Type: application/json"]),
    "publish": request("POST", "/api/v1/articles/12:publish",
                       compact({"publishAt": "2026-12-01T08:00:00Z"}), ["If-Match: 4"]),
    "takedown": request("DELETE", "/api/v1/articles/12", compact({"reason": "طلب قضائي"})),
    "push-ticker": request("POST", "/api/v1/ticker", PUSH, ["Content-Type: application/json"]),
    "update-ticker": request("PATCH", "/api/v1/ticker/t-1?version=2",
                             compact({"text": "تحديث", "sections": []})),
    "import": request("POST", "/api/v1/articles:import", IMPORT,
                      ["Content-Type: application/x-ndjson"]),
    "chunked": b"POST /api/v1/ticker HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5\r\n{\"tex\r\n10\r\nt\":\"a\",\"priori\r\n0\r\n\r\n",
    "body-too-large": request("POST", "/api/v1/articles", headers=["Content-Length: 5000"]),
    "import-too-large": request("POST", "/api/v1/articles:import",
                                headers=["Content-Length: 99999999"]),
    "header-too-large": request("GET", "/", headers=["X-Padding: " + "a" * 2100]),
    "bad-request-line": b"GET\r\n\r\n",
    "partial": b"GET /news/1 HTTP/1.1\r\nHost:",
    "method-not-allowed": request("PUT", "/api/v1/articles/12"),
    "not-found": request("GET", "/api/v1/nothing"),
    "unknown-method": request("BREW", "/"),
    "sse": request("GET", "/api/v1/ticker/stream", headers=["Last-Event-ID: 7"]),
}
write("http_request", HTTP)

# json_body: the first byte picks the message (bits 0-1: Article, PublishArticleRequest,
# TakedownArticleRequest, TickerItem), the Content-Type (bits 2-3) and whether the
# update's field list is asked for (bit 4).
ARTICLE, PUBLISH, TAKEDOWN, ITEM = 0, 1, 2, 3
WITH_FIELDS = 0x10
JSON = {
    "article-create": (ARTICLE, CREATE),
    "article-update": (ARTICLE | WITH_FIELDS, compact({"title": "عنوان", "summary": "",
                                                       "status": "ARTICLE_STATUS_DRAFT"})),
    "article-snake-case": (ARTICLE | WITH_FIELDS, compact({"external_id": "x", "published_at":
                                                           "2026-11-20T09:30:00+03:00"})),
    "article-ints": (ARTICLE | WITH_FIELDS, '{"id": 12, "version": "3", "status": 2}'),
    "article-unknown-field": (ARTICLE, '{"titel": "x"}'),
    "article-null": (ARTICLE | WITH_FIELDS, '{"image": null, "tags": null}'),
    "publish": (PUBLISH, compact({"publishAt": "2026-12-01T08:00:00.5Z"})),
    "publish-charset": (PUBLISH | 8, '{"id":"1","expectedVersion":"2"}'),
    "takedown": (TAKEDOWN, compact({"reason": "طلب قضائي"})),
    "takedown-no-type": (TAKEDOWN | 4, '{"reason":"\\u0627\\ud83d\\ude00"}'),
    "item-push": (ITEM, PUSH),
    "item-update": (ITEM | WITH_FIELDS, compact({"url": "/news/1", "sections": ["a", "b"]})),
    "item-oneof": (ITEM | WITH_FIELDS, '{"articleId":"1","url":"/x"}'),
    "text-plain": (ITEM | 12, '{"text":"a"}'),
    "not-object": (ARTICLE, "[1,2]"),
    "empty-object": (ARTICLE | WITH_FIELDS, "{}"),
}
write("json_body", {name: bytes([sel]) + body.encode("utf-8") for name, (sel, body) in JSON.items()})

IMPORT_SEEDS = {f"demo-{a['externalId']}": compact(short_article(a, 2)) for a in ARTICLES[:8]}
IMPORT_SEEDS.update({
    "string-body": compact({"externalId": "w-1", "section": "سياسة", "title": "عنوان",
                            "body": "سطر أول\n\n  سطر ثان  \n"}),
    "image-draft": compact({"externalId": "w-2", "title": "ت", "status": "draft",
                            "image": {"url": "https://x/y.jpg", "caption": "c", "alt": "a",
                                      "credit": "r"}, "slug": "عنوان-مخصص"}),
    "typos": compact({"externalId": "w-3", "titel": "x", "external_id": "y",
                      "image": {"ulr": "z"}}),
    "wrong-types": '{"externalId": 5, "body": [1, "a"], "tags": "t", "publishedAt": "yesterday"}',
    "nulls": '{"externalId":"w-4","summary":null,"tags":[" ",""],"image":{"url":" "}}',
    "offset-time": compact({"externalId": "w-5", "publishedAt": "2024-05-01T09:30:00+03:00"}),
    "two-lines": compact({"externalId": "a"}) + "\n   \n" + compact({"externalId": "b"}) + "\n",
    "not-object": "[\"externalId\"]",
    "invalid-utf8": b'{"externalId":"\xff"}',
})
write("import_line", IMPORT_SEEDS)

TICKER_SEEDS = {f"demo-{i:02d}": line for i, line in enumerate(TICKER)}
TICKER_SEEDS.update({
    "url-times": compact({"text": "خبر", "priority": "important", "url": "https://example.org/a",
                          "startsAt": "2026-11-28T09:30:00+03:00",
                          "expiresAt": "2026-11-28T12:30:00Z", "author": "م", "requestId": "r1"}),
    "article-id": '{"text":"t","priority":"PRIORITY_NORMAL","articleId":9007199254740991}',
    "two-links": '{"text":"t","priority":"urgent","articleId":1,"url":"/x"}',
    "bad-numbers": '{"text":"t","priority":"urgent","articleId":1.5,"expiresInMinutes":-3}',
    "expiry-both": '{"text":"t","priority":"urgent","expiresAt":"2026-01-01T00:00:00Z",'
                   '"expiresInMinutes":60}',
    "unknown": '{"txt":"t","priority":"UNSPECIFIED","sections":[1]}',
    "invalid-utf8": b'{"text":"\xd8","priority":"urgent"}',
})
write("ticker_line", TICKER_SEEDS)
