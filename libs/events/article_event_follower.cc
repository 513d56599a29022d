#include "libs/events/article_event_follower.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/cache/redis.h"
#include "libs/log/log.h"

namespace akhbar::events {
namespace {

// The contract with the article service's outbox relay (events.proto).
constexpr char kArticleEventStream[] = "akhbar:article:events";
constexpr char kBatch[] = "500";

std::pair<unsigned long long, unsigned long long> ParseStreamId(const std::string& id) {
  char* end = nullptr;
  unsigned long long ms = std::strtoull(id.c_str(), &end, 10);
  unsigned long long seq =
      (end != nullptr && *end == '-') ? std::strtoull(end + 1, nullptr, 10) : 0;
  return {ms, seq};
}

// The newest entry's id, or nullopt when the stream is empty or missing.
absl::StatusOr<std::optional<std::string>> LastId(cache::Redis& redis) {
  absl::StatusOr<cache::Reply> reply =
      redis.Command({"XREVRANGE", kArticleEventStream, "+", "-", "COUNT", "1"});
  if (!reply.ok()) return reply.status();
  if (reply->type != cache::Reply::Type::kArray || reply->elements.empty()) return std::nullopt;
  const cache::Reply& entry = reply->elements[0];
  if (entry.type != cache::Reply::Type::kArray || entry.elements.empty()) return std::nullopt;
  return entry.elements[0].str;
}

}  // namespace

bool StreamIdLess(const std::string& a, const std::string& b) {
  return ParseStreamId(a) < ParseStreamId(b);
}

ArticleEventFollower::ArticleEventFollower(cache::Redis& redis, Handler handler)
    : redis_(redis), handler_(std::move(handler)) {}

absl::Status ArticleEventFollower::StartFromNow() {
  absl::StatusOr<std::optional<std::string>> last = LastId(redis_);
  if (!last.ok()) return last.status();
  position_ = last->value_or("0-0");
  return absl::OkStatus();
}

absl::Status ArticleEventFollower::CheckPosition() {
  absl::StatusOr<std::optional<std::string>> last = LastId(redis_);
  if (!last.ok()) return last.status();
  const std::string newest = last->value_or("0-0");
  if (StreamIdLess(newest, position_)) {
    log::Warning("the article event stream restarted below our position; reading it from the start",
                 {{"position", position_}, {"newest", newest}});
    position_ = "0-0";
  }
  return absl::OkStatus();
}

absl::StatusOr<int> ArticleEventFollower::Poll() {
  absl::StatusOr<cache::Reply> reply =
      redis_.Command({"XREAD", "COUNT", kBatch, "STREAMS", kArticleEventStream, position_});
  if (!reply.ok()) return reply.status();
  // Nil: nothing new. Otherwise [[stream, [[id, [field, value, …]], …]]].
  if (reply->type != cache::Reply::Type::kArray || reply->elements.empty()) return 0;
  const cache::Reply& stream = reply->elements[0];
  if (stream.type != cache::Reply::Type::kArray || stream.elements.size() < 2) return 0;
  int delivered = 0;
  for (const cache::Reply& entry : stream.elements[1].elements) {
    if (entry.type != cache::Reply::Type::kArray || entry.elements.size() < 2) continue;
    position_ = entry.elements[0].str;
    const std::vector<cache::Reply>& fields = entry.elements[1].elements;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].str != "event") continue;
      article::v1::ArticleEvent event;
      if (!event.ParseFromString(fields[i + 1].str)) {
        log::Warning("unreadable article event skipped", {{"id", position_}});
        continue;
      }
      handler_(event);
      ++delivered;
    }
  }
  return delivered;
}

}  // namespace akhbar::events
