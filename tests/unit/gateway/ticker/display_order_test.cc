#include "services/gateway/ticker/display_order.h"

#include <gtest/gtest.h>

#include "tests/unit/gateway/ticker/ticker_messages.h"

namespace akhbar::gateway {
namespace {

using ticker::v1::PRIORITY_IMPORTANT;
using ticker::v1::PRIORITY_NORMAL;
using ticker::v1::PRIORITY_URGENT;

TEST(DisplayOrderTest, UrgentThenImportantThenNormalNewestFirstIdLast) {
  std::vector<ticker::v1::TickerItem> items = {
      Item("n-old", PRIORITY_NORMAL, 100),   Item("i", PRIORITY_IMPORTANT, 50),
      Item("u-old", PRIORITY_URGENT, 10),    Item("n-new", PRIORITY_NORMAL, 300),
      Item("u-new", PRIORITY_URGENT, 0, 20),  // shown at once: its creation time counts
      Item("b", PRIORITY_NORMAL, 300),
  };
  SortForDisplay(items);
  std::vector<std::string> ids;
  for (const auto& item : items) ids.push_back(item.id());
  EXPECT_EQ(ids, (std::vector<std::string>{"u-new", "u-old", "i", "b", "n-new", "n-old"}));
}

}  // namespace
}  // namespace akhbar::gateway
