#include "services/ticker/logic.h"

#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

namespace akhbar::ticker {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int64_t kNow = 1'800'000'000'000'000;  // 2027-01-15, in microseconds
constexpr int64_t kHour = int64_t{3600} * 1'000'000;

int64_t Micros(const google::protobuf::Timestamp& t) {
  return TimeUtil::TimestampToMicroseconds(t);
}

// An in-memory store that records what logic asked of it; the SQL behind the
// real one is covered against PostgreSQL in the integration tests.
class FakeStore : public TickerStore {
 public:
  absl::StatusOr<ItemList> List(const std::string& section, int limit) override {
    listed_sections.push_back(section);
    last_limit = limit;
    return ItemList{{}, sequence};
  }
  absl::StatusOr<ItemList> LoadOnAir() override { return ItemList{{}, sequence}; }
  absl::StatusOr<StoredItem> Get(const std::string& id) override {
    auto it = items.find(id);
    if (it == items.end()) return absl::NotFoundError("absent");
    return it->second;
  }
  absl::StatusOr<WriteResult> Push(const pb::TickerItem& item,
                                   const std::string& request_id) override {
    pushed.push_back(item);
    request_ids.push_back(request_id);
    pb::TickerItem stored = item;
    stored.set_version(1);
    items[item.id()] = {stored, false};
    return Written(stored, Micros(item.starts_at()) <= kNow);
  }
  absl::StatusOr<WriteResult> Update(const pb::TickerItem& item,
                                     const std::vector<std::string>& paths,
                                     int64_t expected_version) override {
    updates.push_back({item, paths, expected_version});
    pb::TickerItem& stored = items[item.id()].item;
    std::set<std::string> named(paths.begin(), paths.end());
    if (named.count("text")) stored.set_text(item.text());
    if (named.count("starts_at")) *stored.mutable_starts_at() = item.starts_at();
    if (named.count("expires_at")) *stored.mutable_expires_at() = item.expires_at();
    stored.set_version(stored.version() + 1);
    return Written(stored, true);
  }
  absl::StatusOr<WriteResult> Retract(const std::string& id, int64_t expected_version) override {
    retracted.push_back({id, expected_version});
    return Written(items[id].item, false);
  }
  absl::StatusOr<std::vector<StoredEvent>> AnnounceDue() override {
    std::vector<StoredEvent> events(due);
    for (StoredEvent& event : events) event.sequence = ++sequence;
    return events;
  }
  absl::StatusOr<std::vector<StoredEvent>> EventsAfter(uint64_t, int) override {
    return std::vector<StoredEvent>{};
  }
  absl::StatusOr<uint64_t> LatestSequence() override { return sequence; }
  absl::StatusOr<int64_t> PruneEvents(std::chrono::milliseconds) override { return 0; }

  struct UpdateCall {
    pb::TickerItem item;
    std::vector<std::string> paths;
    int64_t expected_version;
  };
  std::map<std::string, StoredItem> items;
  std::vector<pb::TickerItem> pushed;
  std::vector<std::string> request_ids;
  std::vector<UpdateCall> updates;
  std::vector<std::pair<std::string, int64_t>> retracted;
  std::vector<std::string> listed_sections;
  int last_limit = 0;
  int due = 0;
  uint64_t sequence = 10;

 private:
  WriteResult Written(const pb::TickerItem& item, bool with_event) {
    WriteResult result{item, {}};
    if (with_event) result.events.push_back({++sequence, {}, kNow});
    return result;
  }
};

class FakeNotifier : public TickerNotifier {
 public:
  void EventsCommitted(uint64_t sequence) override { sequences.push_back(sequence); }
  std::vector<uint64_t> sequences;
};

class TickerLogicTest : public ::testing::Test {
 protected:
  TickerLogicTest()
      : logic_(store_, notifier_,
               {.default_lifetime = std::chrono::hours(6), .now_us = [] { return kNow; }}) {}

  static pb::TickerItem Valid() {
    pb::TickerItem item;
    item.set_text("  البنك المركزي يثبت سعر الفائدة  ");
    item.set_priority(pb::PRIORITY_URGENT);
    return item;
  }

  // Pushes a valid item and returns it as stored.
  pb::TickerItem Stored() {
    absl::StatusOr<pb::TickerItem> pushed = logic_.Push(Valid(), "");
    EXPECT_TRUE(pushed.ok()) << pushed.status();
    return *pushed;
  }

  FakeStore store_;
  FakeNotifier notifier_;
  TickerLogic logic_;
};

TEST_F(TickerLogicTest, PushFillsInIdTimesAndTrimsText) {
  absl::StatusOr<pb::TickerItem> pushed = logic_.Push(Valid(), "req-1");
  ASSERT_TRUE(pushed.ok()) << pushed.status();
  ASSERT_EQ(store_.pushed.size(), 1u);
  const pb::TickerItem& sent = store_.pushed[0];
  EXPECT_EQ(sent.id().size(), 16u);
  EXPECT_EQ(sent.id().find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(sent.text(), "البنك المركزي يثبت سعر الفائدة");
  EXPECT_EQ(Micros(sent.starts_at()), kNow);
  EXPECT_EQ(Micros(sent.expires_at()), kNow + 6 * kHour);
  EXPECT_EQ(store_.request_ids[0], "req-1");
  // The write appended an event: its sequence was published.
  EXPECT_EQ(notifier_.sequences, std::vector<uint64_t>{11});
}

TEST_F(TickerLogicTest, PushIgnoresServerFieldsSentByTheClient) {
  pb::TickerItem item = Valid();
  item.set_id("chosen-by-client");
  item.set_version(99);
  *item.mutable_created_at() = TimeUtil::MicrosecondsToTimestamp(5);
  ASSERT_TRUE(logic_.Push(item, "").ok());
  EXPECT_NE(store_.pushed[0].id(), "chosen-by-client");
  EXPECT_EQ(store_.pushed[0].version(), 0);
  EXPECT_FALSE(store_.pushed[0].has_created_at());
}

TEST_F(TickerLogicTest, ItemIdsDiffer) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(NewItemId());
  EXPECT_EQ(ids.size(), 1000u);
}

TEST_F(TickerLogicTest, DefaultExpiryCountsFromAGivenStart) {
  pb::TickerItem item = Valid();
  *item.mutable_starts_at() = TimeUtil::MicrosecondsToTimestamp(kNow + kHour);
  ASSERT_TRUE(logic_.Push(item, "").ok());
  EXPECT_EQ(Micros(store_.pushed[0].expires_at()), kNow + 7 * kHour);
  // Scheduled: no event yet, so nothing to publish.
  EXPECT_TRUE(notifier_.sequences.empty());
}

TEST_F(TickerLogicTest, PushDropsDigitsFinerThanAMicrosecond) {
  pb::TickerItem item = Valid();
  item.mutable_starts_at()->set_seconds(kNow / 1'000'000);
  item.mutable_starts_at()->set_nanos(123'456'789);
  ASSERT_TRUE(logic_.Push(item, "").ok());
  EXPECT_EQ(store_.pushed[0].starts_at().nanos(), 123'456'000);
}

TEST_F(TickerLogicTest, SectionsAreNormalisedSortedAndDeduplicated) {
  pb::TickerItem item = Valid();
  item.add_sections("سياسة");
  item.add_sections("اتحاد العالم الإسلامي");
  item.add_sections("سياسة");
  ASSERT_TRUE(logic_.Push(item, "").ok());
  const pb::TickerItem& sent = store_.pushed[0];
  ASSERT_EQ(sent.sections_size(), 2);
  EXPECT_EQ(sent.sections(0), "اتحاد-العالم-الاسلامي");
  EXPECT_EQ(sent.sections(1), "سياسة");
}

TEST_F(TickerLogicTest, RejectedPushNeverReachesTheStore) {
  std::vector<std::pair<pb::TickerItem, std::string>> bad;
  pb::TickerItem item = Valid();
  item.set_url("javascript:alert(1)");
  bad.push_back({item, ""});
  item = Valid();
  item.clear_priority();
  bad.push_back({item, ""});
  item = Valid();
  item.set_author(std::string(121, 'a'));
  bad.push_back({item, ""});
  item = Valid();
  *item.mutable_expires_at() = TimeUtil::MicrosecondsToTimestamp(kNow - 1);
  bad.push_back({item, ""});
  bad.push_back({Valid(), std::string(201, 'r')});
  for (const auto& [candidate, request_id] : bad) {
    absl::Status status = logic_.Push(candidate, request_id).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  }
  EXPECT_TRUE(store_.pushed.empty());
  EXPECT_TRUE(notifier_.sequences.empty());
}

TEST_F(TickerLogicTest, ListNormalisesTheSectionAndRefusesNonSlugs) {
  ASSERT_TRUE(logic_.List("").ok());
  ASSERT_TRUE(logic_.List("اتحاد-العالم-الإسلامي").ok());
  EXPECT_EQ(store_.listed_sections, (std::vector<std::string>{"", "اتحاد-العالم-الاسلامي"}));
  EXPECT_EQ(store_.last_limit, 200);
  EXPECT_EQ(logic_.List("a/b").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(logic_.List("\xff").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TickerLogicTest, UpdateSendsOnlyTheNamedFieldsWithTheExpectedVersion) {
  pb::TickerItem stored = Stored();
  pb::TickerItem change;
  change.set_id(stored.id());
  change.set_text("نص جديد");
  change.set_priority(pb::PRIORITY_NORMAL);  // not in the mask: ignored
  absl::StatusOr<pb::TickerItem> updated = logic_.Update(change, {"text"}, 1);
  ASSERT_TRUE(updated.ok()) << updated.status();
  ASSERT_EQ(store_.updates.size(), 1u);
  EXPECT_EQ(store_.updates[0].paths, std::vector<std::string>{"text"});
  EXPECT_EQ(store_.updates[0].expected_version, 1);
  EXPECT_EQ(updated->text(), "نص جديد");
  EXPECT_EQ(updated->priority(), pb::PRIORITY_URGENT);
  EXPECT_EQ(notifier_.sequences.back(), store_.sequence);
}

TEST_F(TickerLogicTest, UpdatePathAliasesForTheLink) {
  pb::TickerItem stored = Stored();
  pb::TickerItem change;
  change.set_id(stored.id());
  change.set_article_id(7);
  ASSERT_TRUE(logic_.Update(change, {"article_id"}, 1).ok());
  EXPECT_EQ(store_.updates[0].paths, std::vector<std::string>{"link"});
  EXPECT_EQ(store_.updates[0].item.article_id(), 7);
}

TEST_F(TickerLogicTest, UpdateRefusesAStaleVersionBeforeWriting) {
  pb::TickerItem stored = Stored();
  store_.items[stored.id()].item.set_version(3);
  pb::TickerItem change;
  change.set_id(stored.id());
  change.set_text("نص");
  absl::Status status = logic_.Update(change, {"text"}, 2).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_NE(status.message().find("reload"), std::string::npos) << status;
  EXPECT_TRUE(store_.updates.empty());
}

TEST_F(TickerLogicTest, UpdateChecksTheScheduleOfTheItemAsItWillBe) {
  pb::TickerItem stored = Stored();  // starts now, expires in 6 h
  pb::TickerItem change;
  change.set_id(stored.id());
  *change.mutable_starts_at() = TimeUtil::MicrosecondsToTimestamp(kNow + 7 * kHour);
  absl::Status status = logic_.Update(change, {"starts_at"}, 1).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("expires_at must be after starts_at"), std::string::npos);

  *change.mutable_starts_at() = TimeUtil::MicrosecondsToTimestamp(kNow + kHour);
  ASSERT_TRUE(logic_.Update(change, {"starts_at"}, 1).ok());
  EXPECT_EQ(Micros(store_.updates[0].item.starts_at()), kNow + kHour);

  // Clearing expires_at under the mask means the default lifetime again.
  pb::TickerItem reset;
  reset.set_id(stored.id());
  ASSERT_TRUE(logic_.Update(reset, {"expires_at"}, 2).ok());
  EXPECT_EQ(Micros(store_.updates[1].item.expires_at()), kNow + 7 * kHour);
}

TEST_F(TickerLogicTest, UpdateRefusesRetractedAndExpiredItems) {
  pb::TickerItem stored = Stored();
  pb::TickerItem change;
  change.set_id(stored.id());
  change.set_text("نص");
  store_.items[stored.id()].retracted = true;
  EXPECT_EQ(logic_.Update(change, {"text"}, 1).status().code(),
            absl::StatusCode::kFailedPrecondition);
  store_.items[stored.id()].retracted = false;
  *store_.items[stored.id()].item.mutable_expires_at() = TimeUtil::MicrosecondsToTimestamp(kNow);
  EXPECT_EQ(logic_.Update(change, {"text"}, 1).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(store_.updates.empty());
}

TEST_F(TickerLogicTest, UpdateNeedsIdMaskAndVersion) {
  pb::TickerItem change;
  change.set_text("نص");
  EXPECT_EQ(logic_.Update(change, {"text"}, 1).status().code(), absl::StatusCode::kInvalidArgument);
  change.set_id(Stored().id());
  EXPECT_EQ(logic_.Update(change, {}, 1).status().code(), absl::StatusCode::kInvalidArgument);
  absl::Status unknown = logic_.Update(change, {"author"}, 1).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.message().find("cannot be updated"), std::string::npos);
  EXPECT_EQ(logic_.Update(change, {"text"}, 0).status().code(), absl::StatusCode::kInvalidArgument);
  change.set_id("zz");
  EXPECT_EQ(logic_.Update(change, {"text"}, 1).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_.updates.empty());
}

TEST_F(TickerLogicTest, RetractPassesTheVersionAndRefusesMalformedIds) {
  pb::TickerItem stored = Stored();
  ASSERT_TRUE(logic_.Retract(stored.id(), 0).ok());
  EXPECT_EQ(store_.retracted.back(), std::make_pair(stored.id(), int64_t{0}));
  EXPECT_EQ(logic_.Retract("", 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(logic_.Retract(stored.id(), -1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(logic_.Retract("nope", 0).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_.retracted.size(), 1u);
}

TEST_F(TickerLogicTest, AnnounceDuePublishesTheLatestSequenceOnlyWhenThereWereEvents) {
  absl::StatusOr<int> none = logic_.AnnounceDue();
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
  EXPECT_TRUE(notifier_.sequences.empty());
  store_.due = 3;
  absl::StatusOr<int> three = logic_.AnnounceDue();
  ASSERT_TRUE(three.ok());
  EXPECT_EQ(*three, 3);
  EXPECT_EQ(notifier_.sequences, std::vector<uint64_t>{13});
}

}  // namespace
}  // namespace akhbar::ticker
