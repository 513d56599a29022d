#include "services/gateway/response_cache.h"

#include "services/gateway/router.h"

namespace akhbar::gateway {

void CacheGenerations::Bump(unsigned domains, bool withdrawn) {
  // Withdrawals first: a reader that sees the new article generation must
  // not pair it with the old withdrawal count.
  if (withdrawn) withdrawals_.fetch_add(1, std::memory_order_acq_rel);
  if (domains & kArticleData) article_.fetch_add(1, std::memory_order_acq_rel);
  if (domains & kTickerData) ticker_.fetch_add(1, std::memory_order_acq_rel);
}

ResponseCache::ResponseCache(const CacheGenerations& generations, std::chrono::milliseconds ttl,
                             std::size_t max_entries, std::chrono::milliseconds max_stale,
                             std::size_t max_bytes)
    : generations_(generations),
      ttl_(ttl),
      max_entries_(max_entries),
      max_stale_(max_stale),
      max_bytes_(max_bytes) {}

bool ResponseCache::Fresh(const Entry& entry, unsigned domains,
                          std::chrono::steady_clock::time_point now) const {
  return SameData(entry.stamp, generations_.Current(), domains) && now < entry.expires;
}

bool ResponseCache::SameData(CacheGenerations::Stamp made, CacheGenerations::Stamp now,
                             unsigned domains) {
  return (!(domains & kArticleData) || made.article == now.article) &&
         (!(domains & kTickerData) || made.ticker == now.ticker);
}

bool ResponseCache::FallbackAllowed(CacheGenerations::Stamp made, CacheGenerations::Stamp now,
                                    unsigned domains) {
  return domains == 0 || made.withdrawals == now.withdrawals;
}

ResponseCache::Lookup ResponseCache::Get(std::string_view key, unsigned domains) {
  const auto now = std::chrono::steady_clock::now();
  auto entry = entries_.find(key);
  if (entry != entries_.end() && Fresh(entry->second, domains, now)) {
    ++entry->second.hits;
    return Lookup{entry->second.response, false};
  }
  auto fetch = fetches_.find(key);
  if (fetch != fetches_.end()) {
    const bool answer_stale = entry != entries_.end() && now - fetch->second.started < max_stale_;
    return Lookup{answer_stale ? entry->second.response : nullptr, false};
  }
  fetches_.emplace(std::string(key), Fetch{now, domains, {}});
  return Lookup{entry != entries_.end() ? entry->second.response : nullptr, true};
}

void ResponseCache::Wait(std::string_view key, Waiter waiter) {
  auto fetch = fetches_.find(key);
  if (fetch != fetches_.end()) fetch->second.waiters.push_back(std::move(waiter));
}

void ResponseCache::Complete(const std::string& key, CacheGenerations::Stamp stamp,
                             unsigned domains, std::shared_ptr<const ReadyResponse> response) {
  const CacheGenerations::Stamp now = generations_.Current();
  const bool unchanged = SameData(stamp, now, domains);
  auto entry = entries_.find(key);
  if (response->status >= 500 && entry != entries_.end() &&
      FallbackAllowed(entry->second.stamp, now, domains)) {
    // The services failed (down, overloaded, past the deadline): the answer
    // kept keeps answering until they are back, as a CDN's stale-if-error
    // does. One made before an article was withdrawn never does.
    AnswerWaiters(key, entry->second.response);
    return;
  }
  if (entry != entries_.end()) {
    bytes_ -= SizeOf(key, *entry->second.response);
    entries_.erase(entry);
  }
  // A failure is not kept; nor is an older answer, which would be served
  // stale in its place.
  if (response->shareable && ttl_.count() > 0) {
    MakeRoom(SizeOf(key, *response));
    // Made before a change it does not show: kept, to answer while stale
    // only, so the next request fetches again.
    const auto expires = unchanged ? std::chrono::steady_clock::now() + ttl_
                                   : std::chrono::steady_clock::time_point();
    entries_.emplace(key, Entry{response, expires, stamp});
    bytes_ += SizeOf(key, *response);
  }
  AnswerWaiters(key, response);
}

void ResponseCache::AnswerOverdue(std::chrono::milliseconds patience,
                                  const std::shared_ptr<const ReadyResponse>& too_slow) {
  const auto overdue = std::chrono::steady_clock::now() - patience;
  const CacheGenerations::Stamp now = generations_.Current();
  for (auto& [key, fetch] : fetches_) {
    if (fetch.waiters.empty() || fetch.started > overdue) continue;
    auto entry = entries_.find(key);
    const std::shared_ptr<const ReadyResponse>& answer =
        entry != entries_.end() && FallbackAllowed(entry->second.stamp, now, fetch.domains)
            ? entry->second.response
            : too_slow;
    std::vector<Waiter> waiters = std::move(fetch.waiters);
    fetch.waiters.clear();
    for (Waiter& waiter : waiters) waiter(answer);
  }
}

void ResponseCache::AnswerWaiters(const std::string& key,
                                  const std::shared_ptr<const ReadyResponse>& response) {
  auto it = fetches_.find(key);
  if (it == fetches_.end()) return;
  std::vector<Waiter> waiters = std::move(it->second.waiters);
  fetches_.erase(it);
  for (Waiter& waiter : waiters) waiter(response);
}

std::size_t ResponseCache::SizeOf(std::string_view key, const ReadyResponse& response) {
  return key.size() + response.head.size() + response.body.size() +
         response.not_modified_head.size() + sizeof(Entry);
}

void ResponseCache::MakeRoom(std::size_t incoming) {
  const auto full = [&] {
    return entries_.size() >= max_entries_ || bytes_ + incoming > max_bytes_;
  };
  if (!full()) return;
  const auto now = std::chrono::steady_clock::now();
  const auto drop = [&](auto&& which) {
    std::erase_if(entries_, [&](const auto& entry) {
      if (!which(entry.second)) return false;
      bytes_ -= SizeOf(entry.first, *entry.second.response);
      return true;
    });
  };
  drop([&](const Entry& entry) { return entry.expires <= now; });
  if (!full()) return;
  // Still full of live entries (a crawl of every page, or cache-busting
  // query strings): those never asked for again go first, and the rest must
  // be asked for again to survive the next time (a clock, kept off the warm
  // path, which only counts).
  drop([](const Entry& entry) { return entry.hits == 0; });
  for (auto& [key, entry] : entries_) entry.hits = 0;
  if (full()) {
    entries_.clear();
    bytes_ = 0;
  }
}

}  // namespace akhbar::gateway
