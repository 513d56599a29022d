#include "services/gateway/ticker/display_order.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cstdint>

namespace akhbar::gateway {
namespace {

using google::protobuf::util::TimeUtil;

// An item without a known priority is shown after every known one rather
// than among the urgent ones (whose enum values it would otherwise precede).
int Rank(ticker::v1::Priority priority) {
  switch (priority) {
    case ticker::v1::PRIORITY_URGENT:
      return 0;
    case ticker::v1::PRIORITY_IMPORTANT:
      return 1;
    case ticker::v1::PRIORITY_NORMAL:
      return 2;
    default:
      return 3;
  }
}

int64_t ShownSinceMicros(const ticker::v1::TickerItem& item) {
  const bool has_start =
      item.has_starts_at() && (item.starts_at().seconds() != 0 || item.starts_at().nanos() != 0);
  return TimeUtil::TimestampToMicroseconds(has_start ? item.starts_at() : item.created_at());
}

}  // namespace

bool ShownBefore(const ticker::v1::TickerItem& a, const ticker::v1::TickerItem& b) {
  const int rank_a = Rank(a.priority());
  const int rank_b = Rank(b.priority());
  if (rank_a != rank_b) return rank_a < rank_b;
  const int64_t since_a = ShownSinceMicros(a);
  const int64_t since_b = ShownSinceMicros(b);
  if (since_a != since_b) return since_a > since_b;
  return a.id() < b.id();
}

void SortForDisplay(std::vector<ticker::v1::TickerItem>& items) {
  std::sort(items.begin(), items.end(), ShownBefore);
}

}  // namespace akhbar::gateway
