#pragma once

#include <vector>

#include "akhbar/ticker/v1/ticker.pb.h"

namespace akhbar::gateway {

// The order a reader sees the ticker in: urgent «عاجل», then important, then
// normal; within a priority the newest first (by starts_at, or created_at for
// an item shown at once), and the id last so that equal items never swap
// places between two renderings of the same state.
bool ShownBefore(const ticker::v1::TickerItem& a, const ticker::v1::TickerItem& b);

void SortForDisplay(std::vector<ticker::v1::TickerItem>& items);

}  // namespace akhbar::gateway
