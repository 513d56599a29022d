#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "services/gateway/response.h"

namespace akhbar::gateway {

// Change counters for the kinds of data a cached response is made of
// (CacheDomain bits). Change events bump them; a cached response made before
// the bump is no longer served. Shared by every I/O thread.
class CacheGenerations {
 public:
  struct Stamp {
    uint64_t article = 0;
    uint64_t ticker = 0;
    uint64_t withdrawals = 0;  // articles unpublished or taken down, headlines gone
  };
  Stamp Current() const {
    return Stamp{article_.load(std::memory_order_acquire), ticker_.load(std::memory_order_acquire),
                 withdrawals_.load(std::memory_order_acquire)};
  }
  // `withdrawn`: an article may have been unpublished or taken down, or a
  // headline left the ticker.
  void Bump(unsigned domains, bool withdrawn = false);

 private:
  std::atomic<uint64_t> article_{0};
  std::atomic<uint64_t> ticker_{0};
  std::atomic<uint64_t> withdrawals_{0};
};

// The ready responses of one I/O thread, used only on that thread: the warm
// path is a hash lookup and a generation check, with no lock, no allocation
// and no copy (the bytes are shared). A miss is fetched once however many
// requests for the same URL arrive meanwhile; they all get the same answer.
// A stale response keeps answering while its successor is fetched, so that
// a change or an expiry never makes readers wait on the services; and while
// the services fail, unless an article was withdrawn since it was made.
class ResponseCache {
 public:
  using Waiter = std::function<void(const std::shared_ptr<const ReadyResponse>&)>;

  // Bounded by entries and by bytes (cache-busting query strings would
  // otherwise fill it with large pages).
  ResponseCache(const CacheGenerations& generations, std::chrono::milliseconds ttl,
                std::size_t max_entries = 20000,
                std::chrono::milliseconds max_stale = std::chrono::milliseconds(1000),
                std::size_t max_bytes = 32 << 20);

  struct Lookup {
    // Answer with this now: fresh, or stale while a fresher one is fetched.
    std::shared_ptr<const ReadyResponse> response;
    // The caller must fetch the response (then call Complete).
    bool fetch = false;
  };

  // What to do with a request for `key` (the request target). A fresh
  // response answers at once. A stale one (a change event came, or it
  // expired) also answers at once while one request fetches its successor —
  // for at most `max_stale`, after which requests wait for the fetch. With
  // no response, the caller must Wait.
  Lookup Get(std::string_view key, unsigned domains);

  // Queues `waiter` for the result of the fetch of `key` in flight.
  void Wait(std::string_view key, Waiter waiter);

  // The fetch started under `stamp` (Current() before the fetch) is done:
  // keeps the response unless something changed meanwhile or it is not worth
  // sharing, and answers every waiter. A server error (5xx) leaves the
  // previous response in place if FallbackAllowed, and the waiters get that.
  void Complete(const std::string& key, CacheGenerations::Stamp stamp, unsigned domains,
                std::shared_ptr<const ReadyResponse> response);

  // Every request that has waited on a fetch longer than `patience` (the
  // services hang, or the fetch queues behind others) gets the previous
  // answer if FallbackAllowed, else `too_slow`; the fetch goes on. Called on
  // the I/O thread's tick.
  void AnswerOverdue(std::chrono::milliseconds patience,
                     const std::shared_ptr<const ReadyResponse>& too_slow);

  std::size_t size() const { return entries_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>()(key);
    }
  };
  struct Entry {
    std::shared_ptr<const ReadyResponse> response;
    std::chrono::steady_clock::time_point expires;
    CacheGenerations::Stamp stamp;
    uint32_t hits = 0;  // since the last time the cache was full
  };
  struct Fetch {
    std::chrono::steady_clock::time_point started;
    unsigned domains = 0;
    std::vector<Waiter> waiters;
  };
  bool Fresh(const Entry& entry, unsigned domains, std::chrono::steady_clock::time_point now) const;
  // Whether nothing of `domains` changed between the two stamps.
  static bool SameData(CacheGenerations::Stamp made, CacheGenerations::Stamp now, unsigned domains);
  // Whether an answer made at `made` may stand in for a failed fetch now:
  // articles or headlines may have been edited or added since (better than
  // an error page), but none withdrawn.
  static bool FallbackAllowed(CacheGenerations::Stamp made, CacheGenerations::Stamp now,
                              unsigned domains);
  static std::size_t SizeOf(std::string_view key, const ReadyResponse& response);
  // Room for `incoming` more bytes and one more entry.
  void MakeRoom(std::size_t incoming);
  void AnswerWaiters(const std::string& key, const std::shared_ptr<const ReadyResponse>& response);

  const CacheGenerations& generations_;
  const std::chrono::milliseconds ttl_;
  const std::size_t max_entries_;
  const std::chrono::milliseconds max_stale_;
  const std::size_t max_bytes_;
  std::size_t bytes_ = 0;  // SizeOf every entry
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
  std::unordered_map<std::string, Fetch, Hash, std::equal_to<>> fetches_;
};

}  // namespace akhbar::gateway
