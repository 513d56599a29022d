#pragma once

#include <array>
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace akhbar::gateway {

// A token bucket per client address: `rate` requests a second on average,
// bursts of up to `burst`. Sharded so that two I/O threads rarely meet on a
// lock; buckets of clients gone quiet are swept as the map grows.
class RateLimiter {
 public:
  RateLimiter(double rate_per_second, double burst);

  // How long the client should wait before its next request; zero when this
  // one may go ahead (and it has been counted).
  std::chrono::milliseconds Take(
      std::string_view client,
      std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

  bool enabled() const { return rate_ > 0; }

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point updated;
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>()(key);
    }
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Bucket, Hash, std::equal_to<>> buckets;
  };
  static constexpr std::size_t kShards = 64;
  static constexpr std::size_t kSweepAbove = 10000;  // buckets per shard

  void Sweep(Shard& shard, std::chrono::steady_clock::time_point now);

  const double rate_;
  const double burst_;
  std::array<Shard, kShards> shards_;
};

}  // namespace akhbar::gateway
