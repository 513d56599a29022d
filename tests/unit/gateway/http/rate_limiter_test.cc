#include "services/gateway/rate_limiter.h"

#include <gtest/gtest.h>

namespace akhbar::gateway {
namespace {

using std::chrono::milliseconds;

TEST(RateLimiterTest, ABurstIsAllowedThenTheClientIsToldHowLongToWait) {
  RateLimiter limiter(10, 3);
  const auto now = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("1.2.3.4", now), milliseconds(0));
  const milliseconds wait = limiter.Take("1.2.3.4", now);
  EXPECT_GT(wait, milliseconds(0));
  EXPECT_LE(wait, milliseconds(100));
  EXPECT_EQ(limiter.Take("1.2.3.4", now + milliseconds(100)), milliseconds(0));
  EXPECT_GT(limiter.Take("1.2.3.4", now + milliseconds(100)), milliseconds(0));
}

TEST(RateLimiterTest, ClientsHaveTheirOwnBuckets) {
  RateLimiter limiter(1, 1);
  const auto now = std::chrono::steady_clock::now();
  EXPECT_EQ(limiter.Take("a", now), milliseconds(0));
  EXPECT_GT(limiter.Take("a", now), milliseconds(0));
  EXPECT_EQ(limiter.Take("b", now), milliseconds(0));
}

TEST(RateLimiterTest, ARateOfZeroTurnsItOff) {
  RateLimiter limiter(0, 0);
  EXPECT_FALSE(limiter.enabled());
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(limiter.Take("a"), milliseconds(0));
}

}  // namespace
}  // namespace akhbar::gateway
