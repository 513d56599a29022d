#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

// The labelled evaluation corpus (JSON Lines with id, category, title, body,
// published; e.g. ../shared/data/arabic-news-dev/articles.jsonl) and its
// conversion to the import format of `akhbarctl import`. Shared by
// related_offline_eval (the engine in process) and related_eval (the running
// services).
namespace akhbar::eval {

struct CorpusRecord {
  std::string id, category, title, body;  // body: one paragraph per line
  int64_t published_us = 0;
};

// Reads the whole corpus; on a missing file or a bad line prints why and
// exits with code 2 (these are command-line tools).
std::vector<CorpusRecord> ReadCorpus(const std::string& path);

// "YYYY-MM-DD" (midnight UTC), "YYYY-MM-DDTHH:MM:SS" (taken as UTC) or
// "YYYY-MM-DDTHH:MM:SS±HH:MM". Returns false on anything else.
bool ParseCorpusTime(const std::string& text, int64_t* us);

// RFC 3339 in UTC, e.g. "2017-01-25T09:30:00Z".
std::string FormatRfc3339Utc(int64_t us);

// One line of the import format (deploy/seed/README.md, README "Import
// format"): the record in `section`, no tags, PUBLISHED, publishedAt in UTC,
// the body as an array of its non-empty lines. No trailing newline.
std::string ImportLine(const CorpusRecord& record, const std::string& external_id,
                       const std::string& section);

// External id of the copy number `copy` (2, 3, ...) of a record, used to
// grow the corpus for speed measurements: "<id>~copy<copy>".
std::string CopyExternalId(const std::string& id, std::size_t copy);

// Which records to repeat so that a corpus of `size` records plus the copies
// makes `total` articles: whole rounds of the corpus (copy 2, 3, ...), then
// a part of it spread evenly over the file (hence over the categories).
struct Copy {
  std::size_t record = 0;  // index in the corpus
  std::size_t copy = 2;    // for CopyExternalId
};
std::vector<Copy> CopiesFor(std::size_t size, std::size_t total);

}  // namespace akhbar::eval
