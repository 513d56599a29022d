#include "services/gateway/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace akhbar::gateway {

RateLimiter::RateLimiter(double rate_per_second, double burst)
    : rate_(rate_per_second), burst_(burst) {}

std::chrono::milliseconds RateLimiter::Take(std::string_view client,
                                            std::chrono::steady_clock::time_point now) {
  if (rate_ <= 0) return std::chrono::milliseconds(0);
  Shard& shard = shards_[std::hash<std::string_view>()(client) % kShards];
  std::lock_guard lock(shard.mu);
  auto it = shard.buckets.find(client);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= kSweepAbove) Sweep(shard, now);
    it = shard.buckets.emplace(std::string(client), Bucket{burst_, now}).first;
  }
  Bucket& bucket = it->second;
  const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  bucket.tokens = std::min(burst_, bucket.tokens + std::max(0.0, elapsed) * rate_);
  bucket.updated = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return std::chrono::milliseconds(0);
  }
  const double wait_seconds = (1 - bucket.tokens) / rate_;
  return std::chrono::milliseconds(static_cast<long>(std::ceil(wait_seconds * 1000)));
}

void RateLimiter::Sweep(Shard& shard, std::chrono::steady_clock::time_point now) {
  // A bucket that would be full again holds nothing worth remembering.
  const auto refill = std::chrono::duration<double>(burst_ / rate_);
  std::erase_if(shard.buckets,
                [&](const auto& entry) { return now - entry.second.updated >= refill; });
}

}  // namespace akhbar::gateway
