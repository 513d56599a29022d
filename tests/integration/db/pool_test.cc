// libs/db against a real PostgreSQL 15 started by deploy/local/postgres.sh.

#include "libs/db/pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <thread>

#include "absl/strings/str_cat.h"
#include "prometheus/registry.h"
#include "tests/support/local_servers.h"

// libpqxx 6.4 leaks a PGresult when a connection breaks under it (fixed
// upstream after 6.4, jtv/libpqxx#500); the restart tests hit that path on
// purpose. Only sanitizer builds read this.
extern "C" const char* __lsan_default_suppressions() { return "leak:libpqxx-6.4.so\n"; }

namespace akhbar::db {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

// One server for the suite (ctest runs each test in its own process anyway);
// a test that stops it starts it again before it ends.
class PoolTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new testing::LocalPostgres();
    auto started = server_->Start();
    ASSERT_TRUE(started);
    // The schema, the way migrations create it: on a pool without statements.
    Pool admin(Options("admin"), {});
    absl::Status status = admin.Transact("schema", [](pqxx::work& tx) {
      tx.exec0(
          "CREATE TABLE IF NOT EXISTS tags ("
          " id bigserial PRIMARY KEY, slug text NOT NULL UNIQUE, name text NOT NULL)");
      return absl::OkStatus();
    });
    ASSERT_TRUE(status.ok()) << status;
  }

  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override { ASSERT_NE(server_, nullptr) << "the server did not start"; }

  static PoolOptions Options(std::string name) {
    PoolOptions options;
    options.dsn = server_->dsn();
    options.name = std::move(name);
    options.size = 4;
    options.acquire_timeout = std::chrono::milliseconds(1000);
    options.statement_timeout = std::chrono::milliseconds(5000);
    options.connect_timeout_seconds = 2;
    return options;
  }

  static std::vector<Statement> Statements() {
    return {
        {"insert_tag", "INSERT INTO tags (slug, name) VALUES ($1, $2) RETURNING id"},
        {"tag_by_slug", "SELECT id, name FROM tags WHERE slug = $1"},
    };
  }

  // Counts rows with `slug` through a fresh pool, independent of the one
  // under test.
  static int CountTags(const std::string& slug) {
    Pool pool(Options("check"), {});
    int count = -1;
    absl::Status status = pool.Read("count", [&](pqxx::work& tx) {
      count = tx.exec_params1("SELECT count(*) FROM tags WHERE slug = $1", slug)[0].as<int>();
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return count;
  }

  static testing::LocalPostgres* server_;
};

testing::LocalPostgres* PoolTest::server_ = nullptr;

TEST_F(PoolTest, RunsQueriesAndPreparedStatements) {
  Pool pool(Options("primary"), Statements());
  int64_t id = 0;
  absl::Status status = pool.Transact("insert_tag", [&](pqxx::work& tx) {
    id = tx.exec_prepared1("insert_tag", "oic", "منظمة التعاون الإسلامي")[0].as<int64_t>();
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_GT(id, 0);

  std::string name;
  status = pool.Read("tag_by_slug", [&](pqxx::work& tx) {
    pqxx::result rows = tx.exec_prepared("tag_by_slug", "oic");
    if (rows.empty()) return absl::NotFoundError("no tag");
    name = rows[0][1].as<std::string>();
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(name, "منظمة التعاون الإسلامي");

  // statement_timeout is set on every connection the pool opens.
  std::string timeout;
  status = pool.WithConnection("show", [&](pqxx::connection& conn) {
    pqxx::nontransaction tx(conn);
    timeout = tx.exec1("SHOW statement_timeout")[0].as<std::string>();
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(timeout, "5s");
}

TEST_F(PoolTest, UniqueViolationIsAlreadyExists) {
  Pool pool(Options("primary"), Statements());
  auto insert = [&] {
    return pool.Transact("insert_tag", [](pqxx::work& tx) {
      tx.exec_prepared("insert_tag", "duplicate", "مكرر");
      return absl::OkStatus();
    });
  };
  ASSERT_TRUE(insert().ok());
  absl::Status second = insert();
  EXPECT_EQ(second.code(), absl::StatusCode::kAlreadyExists) << second;
  // The message is generic; the driver's text travels only as a payload.
  EXPECT_THAT(std::string(second.message()), Not(HasSubstr("duplicate key")));
  ASSERT_TRUE(second.GetPayload(kDriverMessageUrl).has_value());
  EXPECT_THAT(std::string(*second.GetPayload(kDriverMessageUrl)), HasSubstr("duplicate key"));
  EXPECT_EQ(CountTags("duplicate"), 1);

  // The connection is still good after the error.
  EXPECT_TRUE(pool.Read("ping",
                        [](pqxx::work& tx) {
                          tx.exec1("SELECT 1");
                          return absl::OkStatus();
                        })
                  .ok());
}

TEST_F(PoolTest, NonOkStatusRollsBack) {
  Pool pool(Options("primary"), Statements());
  absl::Status status = pool.Transact("insert_tag", [](pqxx::work& tx) {
    tx.exec_prepared("insert_tag", "rolled-back", "تراجع");
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "changed my mind");
  EXPECT_EQ(CountTags("rolled-back"), 0);

  // An exception thrown by the work rolls back too, and is mapped.
  status = pool.Transact("insert_tag", [](pqxx::work& tx) -> absl::Status {
    tx.exec_prepared("insert_tag", "thrown", "استثناء");
    tx.exec0("SELECT * FROM no_such_table");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_EQ(CountTags("thrown"), 0);
}

TEST_F(PoolTest, StatementTimeoutIsDeadlineExceeded) {
  PoolOptions options = Options("primary");
  options.statement_timeout = std::chrono::milliseconds(100);
  Pool pool(options, {});
  absl::Status status = pool.Read("sleep", [](pqxx::work& tx) {
    tx.exec0("SELECT pg_sleep(5)");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
}

TEST_F(PoolTest, PoolIsBounded) {
  PoolOptions options = Options("primary");
  options.size = 2;
  options.acquire_timeout = std::chrono::milliseconds(300);
  prometheus::Registry registry;
  Pool pool(options, {}, &registry);

  std::latch holding(2);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto hold = [&] {
    return pool.WithConnection("hold", [&](pqxx::connection&) {
      holding.count_down();
      released.wait();
      return absl::OkStatus();
    });
  };
  auto first = std::async(std::launch::async, hold);
  auto second = std::async(std::launch::async, hold);
  holding.wait();

  const auto start = Clock::now();
  absl::Status third = pool.Read("third", [](pqxx::work&) { return absl::OkStatus(); });
  const auto waited = Clock::now() - start;
  EXPECT_EQ(third.code(), absl::StatusCode::kUnavailable) << third;
  EXPECT_THAT(std::string(third.message()), HasSubstr("no free connection"));
  // It waited for a connection rather than failing at once (lower bound of
  // a timed wait), and not for ever (a sanity bound only).
  EXPECT_GE(waited, std::chrono::milliseconds(250));
  EXPECT_LT(waited, std::chrono::seconds(5));

  release.set_value();
  EXPECT_TRUE(first.get().ok());
  EXPECT_TRUE(second.get().ok());
  // Freed connections serve the next caller.
  EXPECT_TRUE(pool.Read("after", [](pqxx::work&) { return absl::OkStatus(); }).ok());

  // Metrics: two connections, now idle; the exhaustion counted as an error.
  double idle = -1;
  double errors = 0;
  for (const auto& family : registry.Collect()) {
    for (const auto& metric : family.metric) {
      auto label = [&](const std::string& name) {
        for (const auto& l : metric.label) {
          if (l.name == name) return l.value;
        }
        return std::string();
      };
      if (family.name == "akhbar_db_pool_connections" && label("state") == "idle") {
        idle = metric.gauge.value;
      }
      if (family.name == "akhbar_db_errors_total" && label("code") == "UNAVAILABLE") {
        errors = metric.counter.value;
      }
    }
  }
  EXPECT_EQ(idle, 2);
  EXPECT_EQ(errors, 1);
}

TEST_F(PoolTest, ConcurrentWorkStaysWithinTheBound) {
  PoolOptions options = Options("primary");
  options.dsn += " application_name=bound_test";  // to find our backends below
  options.size = 3;
  options.acquire_timeout = std::chrono::seconds(10);
  Pool pool(options, Statements());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        absl::Status status = pool.Transact("insert_tag", [&](pqxx::work& tx) {
          tx.exec_prepared("insert_tag", absl::StrCat("c-", t, "-", i), "وسم");
          return absl::OkStatus();
        });
        if (!status.ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  int backends = 0;
  ASSERT_TRUE(pool.Read("count_backends",
                        [&](pqxx::work& tx) {
                          backends = tx.exec1(
                                           "SELECT count(*) FROM pg_stat_activity "
                                           "WHERE application_name = 'bound_test'")[0]
                                         .as<int>();
                          return absl::OkStatus();
                        })
                  .ok());
  EXPECT_GE(backends, 1);
  EXPECT_LE(backends, 3);
}

TEST_F(PoolTest, ConnectFailureDoesNotRevealTheDsn) {
  PoolOptions options = Options("primary");
  // A closed port, and a password that must not surface anywhere.
  options.dsn = absl::StrCat("host=127.0.0.1 port=1 dbname=akhbar user=akhbar password=sekret-42");
  Pool pool(options, {});
  absl::Status status = pool.Read("read", [](pqxx::work&) { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(status.ToString(), Not(HasSubstr("sekret-42")));
  EXPECT_THAT(status.ToString(), Not(HasSubstr("password")));

  // Even a DSN that does not parse, whose error text may echo it.
  options.dsn = "host=127.0.0.1 port=1 password=sekret-42 garbage";
  Pool broken(options, {});
  status = broken.Read("read", [](pqxx::work&) { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(status.ToString(), Not(HasSubstr("sekret-42")));
}

TEST_F(PoolTest, RecoversAfterPostgresRestarts) {
  Pool pool(Options("primary"), Statements());
  auto read = [&] {
    return pool.Read("tag_by_slug", [](pqxx::work& tx) {
      tx.exec_prepared("tag_by_slug", "anything");
      return absl::OkStatus();
    });
  };
  // Warm the pool: several connections open and idle.
  {
    std::vector<std::future<absl::Status>> warm;
    for (int i = 0; i < 3; ++i) warm.push_back(std::async(std::launch::async, read));
    for (auto& f : warm) ASSERT_TRUE(f.get().ok());
  }

  ASSERT_TRUE(server_->Stop());
  for (int i = 0; i < 3; ++i) {
    const auto start = Clock::now();
    absl::Status down = read();
    EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable) << down;
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));  // sanity bound only
  }

  ASSERT_TRUE(server_->Start());
  // The same Pool works again; the dead connections were dropped, so the
  // first call after the restart already succeeds.
  absl::Status up = read();
  EXPECT_TRUE(up.ok()) << up;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(read().ok());
}

TEST_F(PoolTest, RecoversAfterPostgresCrashes) {
  Pool pool(Options("primary"), Statements());
  auto read = [&] {
    return pool.Read("tag_by_slug", [](pqxx::work& tx) {
      tx.exec_prepared("tag_by_slug", "anything");
      return absl::OkStatus();
    });
  };
  ASSERT_TRUE(read().ok());
  ASSERT_TRUE(server_->Kill());
  EXPECT_EQ(read().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(server_->Start());
  absl::Status up = read();
  EXPECT_TRUE(up.ok()) << up;
}

TEST_F(PoolTest, DatabaseReaderFallsBackToPrimary) {
  Database without(std::make_unique<Pool>(Options("primary"), Statements()), nullptr);
  EXPECT_EQ(&without.reader(), &without.primary());
  Database with(std::make_unique<Pool>(Options("primary"), Statements()),
                std::make_unique<Pool>(Options("replica"), Statements()));
  EXPECT_NE(&with.reader(), &with.primary());
  EXPECT_EQ(with.reader().options().name, "replica");
}

}  // namespace
}  // namespace akhbar::db
