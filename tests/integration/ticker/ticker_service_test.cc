// The ticker service as a real process, against real PostgreSQL and Redis
// started privately for this test, through its gRPC API. The event log is
// checked by reading ticker_events directly (a test-only read).
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "akhbar/ticker/v1/ticker.grpc.pb.h"
#include "libs/cache/redis.h"
#include "libs/crypto/sha256.h"
#include "libs/db/open.h"
#include "services/ticker/pg_store.h"
#include "tests/support/local_servers.h"
#include "tests/support/service_process.h"

namespace akhbar::ticker {
namespace {

namespace pb = ::akhbar::ticker::v1;
using google::protobuf::util::TimeUtil;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kEditorToken[] = "editor-token-for-tests";

google::protobuf::Timestamp FromNow(milliseconds offset) {
  return TimeUtil::MillisecondsToTimestamp(
      TimeUtil::TimestampToMilliseconds(TimeUtil::GetCurrentTime()) + offset.count());
}

pb::TickerItem Item(const std::string& text, pb::Priority priority,
                    std::vector<std::string> sections = {}) {
  pb::TickerItem item;
  item.set_text(text);
  item.set_priority(priority);
  for (std::string& section : sections) item.add_sections(std::move(section));
  return item;
}

struct EventRow {
  int64_t seq = 0;
  int kind = 0;
};

class TickerServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(postgres_.Start());
    ASSERT_TRUE(redis_.Start());
    port_ = testing::FreePort();
    address_ = "127.0.0.1:" + std::to_string(port_);
    env_ = {
        {"AKHBAR_LISTEN_HOST", "127.0.0.1"},
        {"AKHBAR_TICKER_PORT", std::to_string(port_)},
        {"AKHBAR_TICKER_METRICS_PORT", std::to_string(testing::FreePort())},
        {"AKHBAR_PG_DSN", postgres_.dsn()},
        {"AKHBAR_PG_POOL_SIZE", "4"},
        {"AKHBAR_REDIS_ADDR", "127.0.0.1:" + std::to_string(redis_.port())},
        {"AKHBAR_TOKENS", std::string("editor:") + crypto::Sha256Hex(kEditorToken)},
        {"AKHBAR_DRAIN_GRACE_MS", "200"},
    };
    ASSERT_NO_FATAL_FAILURE(StartService());
    channel_ = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
    stub_ = pb::TickerService::NewStub(channel_);
  }

  void StartService() {
    service_ = std::make_unique<testing::ServiceProcess>(AKHBAR_TICKER_BINARY, env_,
                                                         postgres_.dir() + "/ticker.log");
    ASSERT_TRUE(service_->Start());
    ASSERT_TRUE(service_->WaitServing(address_, seconds(30))) << service_->LogTail();
  }

  void TearDown() override {
    if (HasFailure() && service_) std::cerr << "--- service log ---\n" << service_->LogTail();
  }

  template <typename Method, typename Request, typename Response>
  grpc::Status Call(Method method, const Request& request, Response* response,
                    const char* token = kEditorToken) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + seconds(10));
    if (token) context.AddMetadata("authorization", std::string("Bearer ") + token);
    return ((*stub_).*method)(&context, request, response);
  }

  grpc::Status Push(const pb::TickerItem& item, pb::TickerItem* pushed,
                    const std::string& request_id = "", const char* token = kEditorToken) {
    pb::PushTickerItemRequest request;
    *request.mutable_item() = item;
    request.set_request_id(request_id);
    pb::PushTickerItemResponse response;
    grpc::Status status = Call(&pb::TickerService::Stub::PushTickerItem, request, &response, token);
    if (pushed) *pushed = response.item();
    return status;
  }

  pb::TickerItem MustPush(const pb::TickerItem& item) {
    pb::TickerItem pushed;
    grpc::Status status = Push(item, &pushed);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return pushed;
  }

  pb::ListTickerItemsResponse List(const std::string& section) {
    pb::ListTickerItemsRequest request;
    request.set_section(section);
    pb::ListTickerItemsResponse response;
    grpc::Status status =
        Call(&pb::TickerService::Stub::ListTickerItems, request, &response, nullptr);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::vector<std::string> ListedIds(const std::string& section) {
    std::vector<std::string> ids;
    pb::ListTickerItemsResponse listed = List(section);
    for (const pb::TickerItem& item : listed.items()) ids.push_back(item.id());
    return ids;
  }

  bool Listed(const std::string& section, const std::string& id) {
    std::vector<std::string> ids = ListedIds(section);
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }

  // Test-only reads of the tables, over a connection of our own.
  std::vector<EventRow> EventsOf(const std::string& item_id) {
    pqxx::connection conn(postgres_.dsn());
    pqxx::work tx(conn);
    std::vector<EventRow> rows;
    for (const pqxx::row& row : tx.exec_params(
             "SELECT seq, kind FROM ticker_events WHERE item_id = $1 ORDER BY seq", item_id)) {
      rows.push_back({row[0].as<int64_t>(), row[1].as<int>()});
    }
    return rows;
  }

  int64_t CountRows(const std::string& table) {
    pqxx::connection conn(postgres_.dsn());
    pqxx::work tx(conn);
    return tx.exec1("SELECT count(*) FROM " + table)[0].as<int64_t>();
  }

  static bool Eventually(const std::function<bool()>& condition, milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(milliseconds(50));
    }
    return condition();
  }

  testing::LocalPostgres postgres_;
  testing::LocalRedis redis_;
  int port_ = 0;
  std::string address_;
  std::map<std::string, std::string> env_;
  std::unique_ptr<testing::ServiceProcess> service_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::TickerService::Stub> stub_;
};

TEST_F(TickerServiceTest, PushedItemsListUrgentFirstThenNewestWithinTheirScope) {
  auto started = [](pb::TickerItem item, int minutes_ago) {
    *item.mutable_starts_at() = FromNow(-std::chrono::minutes(minutes_ago));
    return item;
  };
  pb::TickerItem normal = MustPush(started(Item("خبر عادي للموقع كله", pb::PRIORITY_NORMAL), 3));
  pb::TickerItem urgent_old =
      MustPush(started(Item("عاجل قديم للموقع كله", pb::PRIORITY_URGENT), 4));
  pb::TickerItem important =
      MustPush(started(Item("خبر مهم للموقع كله", pb::PRIORITY_IMPORTANT), 1));
  pb::TickerItem urgent_economy =
      MustPush(started(Item("البنك المركزي يثبت الفائدة", pb::PRIORITY_URGENT, {"اقتصاد"}), 2));
  // Typed with a hamza: the slug is identity-folded, as section slugs are.
  pb::TickerItem sport = MustPush(
      started(Item("نتيجة المباراة النهائية", pb::PRIORITY_NORMAL, {"اتحاد-العالم-الإسلامي"}), 1));
  ASSERT_EQ(sport.sections_size(), 1);
  EXPECT_EQ(sport.sections(0), "اتحاد-العالم-الاسلامي");
  EXPECT_EQ(normal.version(), 1);
  EXPECT_EQ(normal.id().size(), 16u);
  EXPECT_TRUE(normal.has_created_at());

  // The home page: site-wide items only.
  EXPECT_EQ(ListedIds(""),
            (std::vector<std::string>{urgent_old.id(), important.id(), normal.id()}));
  // A section: its own items and the site-wide ones; urgent first, then newest.
  EXPECT_EQ(ListedIds("اقتصاد"), (std::vector<std::string>{urgent_economy.id(), urgent_old.id(),
                                                           important.id(), normal.id()}));
  EXPECT_EQ(ListedIds("اتحاد-العالم-الإسلامي"),
            (std::vector<std::string>{urgent_old.id(), important.id(), sport.id(), normal.id()}));

  pb::ListTickerItemsResponse listed = List("اقتصاد");
  EXPECT_GE(listed.sequence(), 5u);
  const pb::TickerItem& first = listed.items(0);
  EXPECT_EQ(first.text(), "البنك المركزي يثبت الفائدة");
  EXPECT_EQ(first.priority(), pb::PRIORITY_URGENT);
  // Times round-trip to the microsecond.
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(first.starts_at()),
            TimeUtil::TimestampToMicroseconds(urgent_economy.starts_at()));
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(first.expires_at()),
            TimeUtil::TimestampToMicroseconds(urgent_economy.expires_at()));
  // Default lifetime: 6 hours.
  EXPECT_EQ(TimeUtil::TimestampToSeconds(first.expires_at()) -
                TimeUtil::TimestampToSeconds(first.starts_at()),
            6 * 3600);
}

TEST_F(TickerServiceTest, LinksComeBackAsPushed) {
  pb::TickerItem to_article = Item("خبر مرتبط بمقال", pb::PRIORITY_IMPORTANT);
  to_article.set_article_id(42);
  pb::TickerItem to_url = Item("خبر مرتبط برابط", pb::PRIORITY_NORMAL);
  to_url.set_url("/sections/economy?x=1");
  pb::TickerItem pushed_article = MustPush(to_article);
  pb::TickerItem pushed_url = MustPush(to_url);
  EXPECT_EQ(pushed_article.article_id(), 42);
  EXPECT_EQ(pushed_url.url(), "/sections/economy?x=1");
  pb::ListTickerItemsResponse listed = List("");
  ASSERT_EQ(listed.items_size(), 2);
  EXPECT_EQ(listed.items(0).article_id(), 42);
  EXPECT_EQ(listed.items(1).url(), "/sections/economy?x=1");
}

TEST_F(TickerServiceTest, RetriedPushWithTheSameRequestIdPushesNothingNew) {
  pb::TickerItem first, second;
  ASSERT_TRUE(Push(Item("خبر يرسل مرتين", pb::PRIORITY_URGENT), &first, "retry-1").ok());
  ASSERT_TRUE(Push(Item("خبر يرسل مرتين", pb::PRIORITY_URGENT), &second, "retry-1").ok());
  EXPECT_EQ(first.id(), second.id());
  EXPECT_EQ(ListedIds(""), std::vector<std::string>{first.id()});
  EXPECT_EQ(CountRows("ticker_items"), 1);
  EXPECT_EQ(EventsOf(first.id()).size(), 1u);  // one ADDED
}

TEST_F(TickerServiceTest, TheSameHeadlineTwiceIsRefused) {
  MustPush(Item("خبر واحد", pb::PRIORITY_URGENT));
  grpc::Status again = Push(Item("خبر واحد", pb::PRIORITY_URGENT), nullptr);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_NE(again.error_message().find("already on the ticker"), std::string::npos)
      << again.error_message();
  // In another scope it is a different item.
  MustPush(Item("خبر واحد", pb::PRIORITY_URGENT, {"اقتصاد"}));
  EXPECT_EQ(CountRows("ticker_items"), 2);
}

TEST_F(TickerServiceTest, StaleUpdateIsRefusedAndChangesNothing) {
  pb::TickerItem pushed = MustPush(Item("النص الأول", pb::PRIORITY_NORMAL));
  pb::UpdateTickerItemRequest update;
  update.mutable_item()->set_id(pushed.id());
  update.mutable_item()->set_text("النص المعدل");
  update.mutable_item()->set_priority(pb::PRIORITY_URGENT);
  update.mutable_update_mask()->add_paths("text");
  update.mutable_update_mask()->add_paths("priority");
  update.set_expected_version(pushed.version());
  pb::UpdateTickerItemResponse updated;
  grpc::Status status = Call(&pb::TickerService::Stub::UpdateTickerItem, update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.item().version(), pushed.version() + 1);
  EXPECT_EQ(updated.item().text(), "النص المعدل");
  EXPECT_EQ(updated.item().priority(), pb::PRIORITY_URGENT);

  update.mutable_item()->set_text("تعديل متأخر");  // still based on the first version
  pb::UpdateTickerItemResponse stale_response;
  grpc::Status stale = Call(&pb::TickerService::Stub::UpdateTickerItem, update, &stale_response);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_NE(stale.error_message().find("reload"), std::string::npos) << stale.error_message();

  pb::ListTickerItemsResponse listed = List("");
  ASSERT_EQ(listed.items_size(), 1);
  EXPECT_EQ(listed.items(0).text(), "النص المعدل");
  EXPECT_EQ(listed.items(0).version(), 2);
  std::vector<EventRow> events = EventsOf(pushed.id());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, pb::TickerEvent::KIND_ADDED);
  EXPECT_EQ(events[1].kind, pb::TickerEvent::KIND_UPDATED);
  EXPECT_LT(events[0].seq, events[1].seq);
}

TEST_F(TickerServiceTest, UpdateCanMoveAnItemBetweenScopes) {
  pb::TickerItem pushed = MustPush(Item("خبر ينتقل", pb::PRIORITY_NORMAL));
  pb::UpdateTickerItemRequest update;
  update.mutable_item()->set_id(pushed.id());
  update.mutable_item()->add_sections("اقتصاد");
  update.mutable_update_mask()->add_paths("sections");
  update.set_expected_version(pushed.version());
  pb::UpdateTickerItemResponse updated;
  ASSERT_TRUE(Call(&pb::TickerService::Stub::UpdateTickerItem, update, &updated).ok());
  EXPECT_FALSE(Listed("", pushed.id()));
  EXPECT_TRUE(Listed("اقتصاد", pushed.id()));
}

TEST_F(TickerServiceTest, RetractedItemLeavesTheList) {
  pb::TickerItem pushed = MustPush(Item("خبر يسحب", pb::PRIORITY_URGENT));
  ASSERT_TRUE(Listed("", pushed.id()));
  pb::RetractTickerItemRequest retract;
  retract.set_id(pushed.id());
  retract.set_expected_version(pushed.version());
  pb::RetractTickerItemResponse response;
  grpc::Status status = Call(&pb::TickerService::Stub::RetractTickerItem, retract, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(Listed("", pushed.id()));
  // A retried retract succeeds and changes nothing.
  ASSERT_TRUE(Call(&pb::TickerService::Stub::RetractTickerItem, retract, &response).ok());
  std::vector<EventRow> events = EventsOf(pushed.id());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, pb::TickerEvent::KIND_REMOVED);

  // A retracted item cannot be edited.
  pb::UpdateTickerItemRequest update;
  update.mutable_item()->set_id(pushed.id());
  update.mutable_item()->set_text("نص");
  update.mutable_update_mask()->add_paths("text");
  update.set_expected_version(2);
  pb::UpdateTickerItemResponse updated;
  EXPECT_EQ(Call(&pb::TickerService::Stub::UpdateTickerItem, update, &updated).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  retract.set_id("0123456789abcdef");
  EXPECT_EQ(Call(&pb::TickerService::Stub::RetractTickerItem, retract, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(TickerServiceTest, BadLinksAndOverlongTextAreRefusedWithClearMessagesAndNothingStored) {
  struct Case {
    std::function<void(pb::TickerItem&)> mutate;
    const char* message_part;
  };
  std::string long_text;
  for (int i = 0; i < 281; ++i) long_text += "ع";
  const std::vector<Case> cases = {
      {[](pb::TickerItem& item) { item.set_url("javascript:alert(1)"); }, "javascript:"},
      {[](pb::TickerItem& item) { item.set_url("//evil.example/x"); }, "single /"},
      {[](pb::TickerItem& item) { item.set_url("ftp://files.example/x"); }, "not allowed"},
      {[](pb::TickerItem& item) { item.set_url("data:text/html,hi"); }, "not allowed"},
      {[](pb::TickerItem& item) { item.set_article_id(-3); }, "article_id"},
      {[&](pb::TickerItem& item) { item.set_text(long_text); }, "281 characters long"},
      {[](pb::TickerItem& item) { item.set_text("  "); }, "text is required"},
      {[](pb::TickerItem& item) { item.set_text("سطر\nسطر"); }, "control characters"},
      {[](pb::TickerItem& item) { item.set_priority(pb::PRIORITY_UNSPECIFIED); },
       "priority is required: URGENT, IMPORTANT or NORMAL"},
      {[](pb::TickerItem& item) { item.add_sections("Not A Slug!"); }, "not a section slug"},
      {[](pb::TickerItem& item) {
         *item.mutable_starts_at() = FromNow(std::chrono::hours(2));
         *item.mutable_expires_at() = FromNow(std::chrono::hours(1));
       },
       "expires_at must be after starts_at"},
      {[](pb::TickerItem& item) { *item.mutable_expires_at() = FromNow(std::chrono::hours(200)); },
       "at most 7 days"},
  };
  for (const Case& c : cases) {
    pb::TickerItem item = Item("خبر", pb::PRIORITY_NORMAL);
    c.mutate(item);
    grpc::Status status = Push(item, nullptr);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.message_part;
    EXPECT_NE(status.error_message().find(c.message_part), std::string::npos)
        << "wanted \"" << c.message_part << "\" in \"" << status.error_message() << "\"";
  }
  EXPECT_EQ(CountRows("ticker_items"), 0);
  EXPECT_EQ(CountRows("ticker_events"), 0);
  EXPECT_TRUE(List("").items().empty());
}

TEST_F(TickerServiceTest, AnItemExpiresByItselfWithAnExpiredEventAfterItsAddition) {
  pb::TickerItem item = Item("خبر قصير العمر", pb::PRIORITY_URGENT);
  // Long enough to be listed first even on a busy machine.
  *item.mutable_expires_at() = FromNow(seconds(2));
  pb::TickerItem pushed = MustPush(item);
  ASSERT_TRUE(Listed("", pushed.id()));
  EXPECT_TRUE(Eventually([&] { return !Listed("", pushed.id()); }, seconds(6)));
  // The EXPIRED event goes out within a second of expires_at.
  ASSERT_TRUE(Eventually([&] { return EventsOf(pushed.id()).size() == 2; }, seconds(3)));
  std::vector<EventRow> events = EventsOf(pushed.id());
  EXPECT_EQ(events[0].kind, pb::TickerEvent::KIND_ADDED);
  EXPECT_EQ(events[1].kind, pb::TickerEvent::KIND_EXPIRED);
  EXPECT_GT(events[1].seq, events[0].seq);
  EXPECT_GE(List("").sequence(), static_cast<uint64_t>(events[1].seq));
  // An expired item cannot be edited.
  pb::UpdateTickerItemRequest update;
  update.mutable_item()->set_id(pushed.id());
  update.mutable_item()->set_text("نص");
  update.mutable_update_mask()->add_paths("text");
  update.set_expected_version(1);
  pb::UpdateTickerItemResponse updated;
  grpc::Status status = Call(&pb::TickerService::Stub::UpdateTickerItem, update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("expired"), std::string::npos) << status.error_message();
}

TEST_F(TickerServiceTest, AnItemThatExpiredWhileTheServiceWasDownIsAnnouncedAfterItsRestart) {
  pb::TickerItem item = Item("خبر ينتهي أثناء التوقف", pb::PRIORITY_URGENT);
  *item.mutable_expires_at() = FromNow(milliseconds(1500));
  pb::TickerItem pushed = MustPush(item);
  ASSERT_EQ(service_->Terminate(), 0) << service_->LogTail();
  std::this_thread::sleep_for(seconds(2));
  EXPECT_EQ(EventsOf(pushed.id()).size(), 1u);  // nobody announced the expiry
  ASSERT_NO_FATAL_FAILURE(StartService());
  ASSERT_TRUE(Eventually([&] { return EventsOf(pushed.id()).size() == 2; }, seconds(5)));
  EXPECT_EQ(EventsOf(pushed.id())[1].kind, pb::TickerEvent::KIND_EXPIRED);
  EXPECT_FALSE(Listed("", pushed.id()));
}

// Sequence numbers commit in order: a reader that tails ticker_events by seq
// while writers race never skips one (the advisory write lock's promise).
TEST_F(TickerServiceTest, ATailerOfTheEventLogNeverSkipsASequenceNumber) {
  std::atomic<bool> writing{true};
  std::vector<int64_t> tailed;
  std::thread tailer([&] {
    pqxx::connection conn(postgres_.dsn());
    int64_t after = 0;
    auto tail = [&] {
      pqxx::work tx(conn);
      for (const pqxx::row& row :
           tx.exec_params("SELECT seq FROM ticker_events WHERE seq > $1 ORDER BY seq", after)) {
        after = row[0].as<int64_t>();
        tailed.push_back(after);
      }
    };
    while (writing) tail();
    tail();
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 25; ++i) {
        pb::TickerItem item =
            Item("خبر " + std::to_string(w) + "-" + std::to_string(i), pb::PRIORITY_NORMAL);
        EXPECT_TRUE(Push(item, nullptr).ok());
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  writing = false;
  tailer.join();

  pqxx::connection conn(postgres_.dsn());
  pqxx::work tx(conn);
  std::vector<int64_t> all;
  for (const pqxx::row& row : tx.exec("SELECT seq FROM ticker_events ORDER BY seq")) {
    all.push_back(row[0].as<int64_t>());
  }
  EXPECT_EQ(all.size(), 100u);
  EXPECT_EQ(tailed, all);
}

TEST_F(TickerServiceTest, AScheduledItemAppearsByItself) {
  pb::TickerItem item = Item("خبر مجدول", pb::PRIORITY_IMPORTANT, {"اقتصاد"});
  *item.mutable_starts_at() = FromNow(milliseconds(1500));
  pb::TickerItem pushed = MustPush(item);
  EXPECT_FALSE(Listed("اقتصاد", pushed.id()));
  EXPECT_TRUE(EventsOf(pushed.id()).empty());  // nothing announced yet
  EXPECT_TRUE(Eventually([&] { return Listed("اقتصاد", pushed.id()); }, seconds(5)));
  ASSERT_TRUE(Eventually([&] { return EventsOf(pushed.id()).size() == 1; }, seconds(3)));
  EXPECT_EQ(EventsOf(pushed.id())[0].kind, pb::TickerEvent::KIND_ADDED);
}

TEST_F(TickerServiceTest, WritesWithoutAnEditorTokenAreRefused) {
  grpc::Status anonymous = Push(Item("خبر", pb::PRIORITY_URGENT), nullptr, "", nullptr);
  EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  grpc::Status wrong = Push(Item("خبر", pb::PRIORITY_URGENT), nullptr, "", "not-a-token");
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  pb::RetractTickerItemRequest retract;
  retract.set_id("0123456789abcdef");
  pb::RetractTickerItemResponse response;
  EXPECT_EQ(
      Call(&pb::TickerService::Stub::RetractTickerItem, retract, &response, nullptr).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
  pb::UpdateTickerItemRequest update;
  pb::UpdateTickerItemResponse updated;
  EXPECT_EQ(
      Call(&pb::TickerService::Stub::UpdateTickerItem, update, &updated, nullptr).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(CountRows("ticker_items"), 0);
}

TEST_F(TickerServiceTest, EveryCommittedWritePublishesItsSequence) {
  std::mutex mu;
  std::vector<std::string> payloads;
  cache::RedisOptions options;
  options.port = redis_.port();
  std::atomic<bool> subscribed{false};
  cache::Subscriber subscriber(
      options, {"akhbar:ticker:events"},
      [&](std::string_view, std::string_view payload) {
        std::lock_guard lock(mu);
        payloads.emplace_back(payload);
      },
      [&] { subscribed = true; });
  subscriber.Start();
  ASSERT_TRUE(Eventually([&] { return subscribed.load(); }, seconds(5)));
  pb::TickerItem pushed = MustPush(Item("خبر ينشر", pb::PRIORITY_URGENT));
  std::vector<EventRow> events = EventsOf(pushed.id());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(Eventually(
      [&] {
        std::lock_guard lock(mu);
        return std::find(payloads.begin(), payloads.end(), std::to_string(events[0].seq)) !=
               payloads.end();
      },
      seconds(5)));
  subscriber.Stop();
}

TEST_F(TickerServiceTest, PruningDropsOldEventsButKeepsTheSequenceGoing) {
  pb::TickerItem first = MustPush(Item("خبر أول", pb::PRIORITY_NORMAL));
  pb::TickerItem second = MustPush(Item("خبر ثان", pb::PRIORITY_NORMAL));
  const int64_t latest = EventsOf(second.id()).back().seq;
  {
    pqxx::connection conn(postgres_.dsn());
    pqxx::work tx(conn);
    tx.exec("UPDATE ticker_events SET created_at = now() - interval '2 days'");
    tx.commit();
  }
  config::PostgresConfig pg;
  pg.dsn = postgres_.dsn();
  pg.pool_size = 1;
  pg.statement_timeout = seconds(5);
  std::unique_ptr<db::Database> database =
      db::OpenDatabase(pg, PgTickerStore::Statements(), nullptr);
  PgTickerStore store(*database);

  absl::StatusOr<int64_t> pruned = store.PruneEvents(std::chrono::hours(24));
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  EXPECT_EQ(*pruned, 1);  // the first push's event; the latest one stays
  EXPECT_TRUE(EventsOf(first.id()).empty());
  ASSERT_EQ(EventsOf(second.id()).size(), 1u);
  absl::StatusOr<uint64_t> sequence = store.LatestSequence();
  ASSERT_TRUE(sequence.ok());
  EXPECT_EQ(*sequence, static_cast<uint64_t>(latest));

  // The items themselves are untouched, and numbering goes on from there.
  EXPECT_TRUE(Listed("", first.id()));
  pb::TickerItem third = MustPush(Item("خبر ثالث", pb::PRIORITY_NORMAL));
  EXPECT_GT(EventsOf(third.id()).front().seq, latest);
  absl::StatusOr<int64_t> again = store.PruneEvents(std::chrono::hours(24));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 1);  // the second push's event, now that it is not the latest
}

}  // namespace
}  // namespace akhbar::ticker
