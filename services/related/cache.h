#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "akhbar/related/v1/related.pb.h"

namespace akhbar::cache {
class Redis;
}

namespace akhbar::related {

namespace pb = ::akhbar::related::v1;

// Ready related lists, shared by the replicas. Every list is filed under each
// article it shows (and the one it belongs to), so that a change to an article
// drops exactly the lists it could alter: a reverse index, not a TTL. Failures
// are swallowed: without a cache the service is slower, never wrong.
class RelatedCache {
 public:
  virtual ~RelatedCache() = default;
  virtual std::optional<pb::GetRelatedResponse> Get(int64_t article_id, int limit) = 0;
  // `members`: the articles whose change must drop this list.
  virtual void Put(int64_t article_id, int limit, const pb::GetRelatedResponse& response,
                   const std::vector<int64_t>& members) = 0;
  // Drops every list filed under any of `article_ids`; false when the cache
  // could not be reached (the caller retries: a list left behind is wrong).
  virtual bool Invalidate(const std::vector<int64_t>& article_ids) = 0;
};

// AKHBAR_RELATED_CACHE=off, and unit tests.
class NoRelatedCache : public RelatedCache {
 public:
  std::optional<pb::GetRelatedResponse> Get(int64_t, int) override { return std::nullopt; }
  void Put(int64_t, int, const pb::GetRelatedResponse&, const std::vector<int64_t>&) override {}
  bool Invalidate(const std::vector<int64_t>&) override { return true; }
};

// Keys: akhbar:related:v1:<epoch>:list:<id>:<limit> holds a serialized
// GetRelatedResponse; akhbar:related:v1:<epoch>:by:<id> is the set of list
// keys filed under article <id>. A Put and an Invalidate are one Lua script
// each, so one round trip and atomic on the Redis side.
//
// The epoch is new with every process: a list cached by an earlier run may
// predate changes made while no related service was following the events, so
// a process only trusts the lists it has kept current itself. (Replicas
// therefore keep separate lists; the old ones expire with their TTL.)
class RedisRelatedCache : public RelatedCache {
 public:
  RedisRelatedCache(cache::Redis& redis, std::chrono::milliseconds ttl);

  std::optional<pb::GetRelatedResponse> Get(int64_t article_id, int limit) override;
  void Put(int64_t article_id, int limit, const pb::GetRelatedResponse& response,
           const std::vector<int64_t>& members) override;
  bool Invalidate(const std::vector<int64_t>& article_ids) override;

  std::string ListKey(int64_t article_id, int limit) const;
  std::string FiledUnderKey(int64_t article_id) const;

 private:
  cache::Redis& redis_;
  const std::chrono::milliseconds ttl_;
  const std::string prefix_;  // akhbar:related:v1:<epoch>:
};

}  // namespace akhbar::related
