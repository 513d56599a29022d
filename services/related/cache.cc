#include "services/related/cache.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "libs/cache/redis.h"
#include "libs/log/log.h"

namespace akhbar::related {
namespace {

// KEYS[1] the list, KEYS[2..] the sets it is filed under; ARGV[1] the value,
// ARGV[2] its TTL. The sets live twice as long, so they outlast their lists.
constexpr char kPutScript[] = R"lua(
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
for i = 2, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[1])
  redis.call('PEXPIRE', KEYS[i], 2 * tonumber(ARGV[2]))
end
return 1
)lua";

// KEYS: the sets; every list in them goes, and the sets too.
constexpr char kInvalidateScript[] = R"lua(
local dropped = 0
for i = 1, #KEYS do
  local lists = redis.call('SMEMBERS', KEYS[i])
  for j = 1, #lists do dropped = dropped + redis.call('DEL', lists[j]) end
  redis.call('DEL', KEYS[i])
end
return dropped
)lua";

}  // namespace

RedisRelatedCache::RedisRelatedCache(cache::Redis& redis, std::chrono::milliseconds ttl)
    : redis_(redis),
      ttl_(ttl),
      prefix_(absl::StrCat("akhbar:related:v1:", absl::Hex(std::random_device{}()),
                           absl::Hex(std::random_device{}()), ":")) {}

std::string RedisRelatedCache::ListKey(int64_t article_id, int limit) const {
  return absl::StrCat(prefix_, "list:", article_id, ":", limit);
}

std::string RedisRelatedCache::FiledUnderKey(int64_t article_id) const {
  return absl::StrCat(prefix_, "by:", article_id);
}

std::optional<pb::GetRelatedResponse> RedisRelatedCache::Get(int64_t article_id, int limit) {
  absl::StatusOr<std::optional<std::string>> value = redis_.Get(ListKey(article_id, limit));
  if (!value.ok() || !value->has_value()) return std::nullopt;
  pb::GetRelatedResponse response;
  if (!response.ParseFromString(**value)) return std::nullopt;
  return response;
}

void RedisRelatedCache::Put(int64_t article_id, int limit, const pb::GetRelatedResponse& response,
                            const std::vector<int64_t>& members) {
  std::vector<std::string> argv{"EVAL", kPutScript, std::to_string(members.size() + 1),
                                ListKey(article_id, limit)};
  for (int64_t member : members) argv.push_back(FiledUnderKey(member));
  argv.push_back(response.SerializeAsString());
  argv.push_back(std::to_string(ttl_.count()));
  if (absl::StatusOr<cache::Reply> reply = redis_.Command(argv); !reply.ok()) {
    log::Debug("related list not cached", {{"error", reply.status().ToString()}});
  }
}

bool RedisRelatedCache::Invalidate(const std::vector<int64_t>& article_ids) {
  if (article_ids.empty()) return true;
  std::vector<std::string> argv{"EVAL", kInvalidateScript, std::to_string(article_ids.size())};
  for (int64_t id : article_ids) argv.push_back(FiledUnderKey(id));
  absl::StatusOr<cache::Reply> reply = redis_.Command(argv);
  if (!reply.ok()) {
    log::Warning("related lists not invalidated yet; will retry",
                 {{"error", reply.status().ToString()}});
  }
  return reply.ok();
}

}  // namespace akhbar::related
