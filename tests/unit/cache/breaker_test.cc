#include <gtest/gtest.h>

#include <chrono>

#include "libs/cache/redis.h"

namespace akhbar::cache {
namespace {

using std::chrono::milliseconds;

// A clock the test moves by hand, so nothing here depends on timing.
class FakeClock {
 public:
  std::chrono::steady_clock::time_point now() const { return now_; }
  void Advance(milliseconds d) { now_ += d; }
  CircuitBreaker::Clock AsClock() {
    return [this] { return now_; };
  }

 private:
  std::chrono::steady_clock::time_point now_{std::chrono::seconds(1000)};
};

TEST(CircuitBreakerTest, OpensAfterConsecutiveFailures) {
  FakeClock clock;
  CircuitBreaker breaker(3, milliseconds(1000), clock.AsClock());
  EXPECT_TRUE(breaker.Allow());
  breaker.RecordFailure();
  breaker.RecordFailure();
  EXPECT_FALSE(breaker.IsOpen());
  EXPECT_TRUE(breaker.Allow());
  breaker.RecordFailure();
  EXPECT_TRUE(breaker.IsOpen());
  EXPECT_FALSE(breaker.Allow());
  clock.Advance(milliseconds(999));
  EXPECT_FALSE(breaker.Allow());
}

TEST(CircuitBreakerTest, SuccessResetsTheCount) {
  FakeClock clock;
  CircuitBreaker breaker(3, milliseconds(1000), clock.AsClock());
  breaker.RecordFailure();
  breaker.RecordFailure();
  breaker.RecordSuccess();
  breaker.RecordFailure();
  breaker.RecordFailure();
  EXPECT_FALSE(breaker.IsOpen());
  EXPECT_TRUE(breaker.Allow());
}

TEST(CircuitBreakerTest, OneProbePerCooldown) {
  FakeClock clock;
  CircuitBreaker breaker(1, milliseconds(1000), clock.AsClock());
  breaker.RecordFailure();
  ASSERT_FALSE(breaker.Allow());
  clock.Advance(milliseconds(1000));
  EXPECT_TRUE(breaker.Allow());   // the probe
  EXPECT_FALSE(breaker.Allow());  // everyone else still waits
  EXPECT_TRUE(breaker.IsOpen());

  // A probe that never reports does not wedge the breaker: another one is
  // allowed a cooldown later.
  clock.Advance(milliseconds(1000));
  EXPECT_TRUE(breaker.Allow());
}

TEST(CircuitBreakerTest, FailedProbeRestartsTheCooldown) {
  FakeClock clock;
  CircuitBreaker breaker(2, milliseconds(500), clock.AsClock());
  breaker.RecordFailure();
  breaker.RecordFailure();
  clock.Advance(milliseconds(500));
  ASSERT_TRUE(breaker.Allow());
  clock.Advance(milliseconds(100));
  breaker.RecordFailure();
  EXPECT_TRUE(breaker.IsOpen());
  clock.Advance(milliseconds(499));
  EXPECT_FALSE(breaker.Allow());
  clock.Advance(milliseconds(1));
  EXPECT_TRUE(breaker.Allow());
}

TEST(CircuitBreakerTest, SuccessfulProbeCloses) {
  FakeClock clock;
  CircuitBreaker breaker(2, milliseconds(500), clock.AsClock());
  breaker.RecordFailure();
  breaker.RecordFailure();
  clock.Advance(milliseconds(500));
  ASSERT_TRUE(breaker.Allow());
  breaker.RecordSuccess();
  EXPECT_FALSE(breaker.IsOpen());
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(breaker.Allow());
  // Closed again: it takes the full count of failures to reopen.
  breaker.RecordFailure();
  EXPECT_FALSE(breaker.IsOpen());
}

TEST(CircuitBreakerTest, DefaultClockWorks) {
  CircuitBreaker breaker(1, milliseconds(60000));
  EXPECT_TRUE(breaker.Allow());
  breaker.RecordFailure();
  EXPECT_TRUE(breaker.IsOpen());
  EXPECT_FALSE(breaker.Allow());
}

}  // namespace
}  // namespace akhbar::cache
