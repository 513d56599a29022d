#pragma once

#include <google/protobuf/timestamp.pb.h>

#include <string>

namespace akhbar::gateway::pages {

// "3 ديسمبر 2026" (UTC), as Arabic news sites print dates; empty when unset.
std::string ArabicDate(const google::protobuf::Timestamp& time);

// "2026-12-03T09:30:00Z", for <time datetime="…">; empty when unset.
std::string IsoTime(const google::protobuf::Timestamp& time);

// Appends <time datetime="2026-12-03T09:30:00Z">3 ديسمبر 2026</time>, the way
// every page shows a date (readers get the words, machines the attribute);
// nothing when unset. Writes straight into the page, with no temporaries.
void AppendTime(std::string& out, const google::protobuf::Timestamp& time);

}  // namespace akhbar::gateway::pages
