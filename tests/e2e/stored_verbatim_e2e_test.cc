// SQL's metacharacters in everything an editor writes are data: stored as
// sent and returned byte for byte by the JSON API, matching nothing else in a
// filter, and every table still there afterwards.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/match.h"
#include "services/gateway/url.h"
#include "tests/e2e/hostile_fixture.h"

namespace akhbar::e2e {
namespace {

using gateway::PercentEncode;
using google::protobuf::util::MessageDifferencer;
using testing::HttpReply;

constexpr char kSql[] =
    "' \" ; -- /* */ \\ % _ '; DROP TABLE articles; -- 1 OR 1=1 ' OR '1'='1 $1 E'\\x41' \\\\";

class StoredVerbatim : public HostileE2e {};

// The fields an editor sets, as the API answered them.
void ExpectSameContent(const article::v1::Article& sent, const article::v1::Article& got,
                       const std::string& where) {
  EXPECT_EQ(got.title(), sent.title()) << where;
  EXPECT_EQ(got.summary(), sent.summary()) << where;
  EXPECT_EQ(got.author(), sent.author()) << where;
  ASSERT_EQ(got.body_size(), sent.body_size()) << where;
  for (int i = 0; i < sent.body_size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(got.body(i), sent.body(i)))
        << where << ": " << got.body(i).DebugString() << " was sent as "
        << sent.body(i).DebugString();
  }
  EXPECT_TRUE(MessageDifferencer::Equals(got.image(), sent.image())) << where;
  ASSERT_EQ(got.tags_size(), sent.tags_size()) << where;
  for (int i = 0; i < sent.tags_size(); ++i) {
    EXPECT_EQ(got.tags(i).name(), sent.tags(i).name()) << where;
  }
}

TEST_F(StoredVerbatim, SqlMetacharactersInEveryFieldComeBackByteForByte) {
  const int64_t before = ArticleCount();
  article::v1::Article input = Simple(std::string("عنوان ") + kSql);
  input.set_summary(std::string("ملخص ") + kSql);
  input.set_author(std::string("كاتب ") + kSql);
  input.mutable_body(0)->mutable_paragraph()->set_text(std::string("فقرة ") + kSql);
  auto* heading = input.add_body()->mutable_heading();
  heading->set_text(std::string("عنوان فرعي ") + kSql);
  heading->set_level(3);
  auto* quote = input.add_body()->mutable_quote();
  quote->set_text(std::string("اقتباس ") + kSql);
  quote->set_attribution(std::string("قائل ") + kSql);
  auto* image = input.mutable_image();
  image->set_url("/media/a'b\";--%27.jpg?q=1'OR'1'='1");
  image->set_caption(std::string("تعليق ") + kSql);
  image->set_alt(std::string("وصف ") + kSql);
  image->set_credit(std::string("مصور ") + kSql);
  *input.add_body()->mutable_image() = *image;
  for (const char* name : {"وسم أول '; DROP TABLE tags; --", "وسم ثان %", "وسم ثالث _",
                           "وسم رابع \\ \"", "وسم خامس 1 OR 1=1"}) {
    input.add_tags()->set_name(name);
  }

  const article::v1::Article created = CreateArticle(input);
  ASSERT_GT(created.id(), 0);
  ExpectSameContent(input, created, "the create's answer");
  const std::string by_id = "/api/v1/articles/" + std::to_string(created.id());
  ExpectSameContent(input, EditorGet(created.id()), "an editor's read");
  article::v1::Article anyone;
  HttpReply read = Get(by_id);
  ASSERT_EQ(read.status, 200) << read.body;
  ASSERT_TRUE(ParseJson(read.body, &anyone));
  ExpectSameContent(input, anyone, "a reader's read");
  HttpReply by_slug = Get("/api/v1/articles/by-slug/" + PercentEncode(created.slug()));
  EXPECT_EQ(by_slug.status, 200) << by_slug.body;

  // Filters match exactly: % and _ are no wildcards, a quote ends nothing.
  auto listed = [&](const std::string& query) {
    article::v1::ListArticlesResponse response;
    HttpReply reply = Get("/api/v1/articles?" + query, As(kEditorToken));
    EXPECT_EQ(reply.status, 200) << query << ": " << reply.body;
    EXPECT_TRUE(ParseJson(reply.body, &response)) << reply.body;
    return response.total_size();
  };
  EXPECT_EQ(listed("tag=" + PercentEncode("وسم ثان %")), 1);
  EXPECT_EQ(listed("tag=" + PercentEncode("%")), 0);
  EXPECT_EQ(listed("tag=" + PercentEncode("_")), 0);
  EXPECT_EQ(listed("author=" + PercentEncode(input.author())), 1);
  EXPECT_EQ(listed("author=%25"), 0);
  EXPECT_EQ(listed("author=" + PercentEncode("' OR '1'='1")), 0);
  EXPECT_EQ(listed("section=" + PercentEncode("politics' OR '1'='1")), 0);
  EXPECT_EQ(listed("section=politics"), 1);
  EXPECT_EQ(Get("/api/v1/articles/by-slug/" + PercentEncode("' OR '1'='1")).status, 404);
  for (const article::v1::Tag& tag : created.tags()) {
    HttpReply tag_reply = Get("/api/v1/tags/" + PercentEncode(tag.slug()));
    EXPECT_EQ(tag_reply.status, 200) << tag.slug() << ": " << tag_reply.body;
    article::v1::GetTagResponse got;
    EXPECT_TRUE(ParseJson(tag_reply.body, &got));
    EXPECT_EQ(got.tag().name(), tag.name());
  }

  // An import line goes another way into the database.
  HttpReply imported =
      Send("POST", "/api/v1/articles:import", As(kEditorToken),
           "{\"externalId\":\"sql-1';--\",\"section\":\"politics\",\"title\":" + Json([] {
             google::protobuf::Value title;
             title.set_string_value(std::string("مستورد ") + kSql);
             return title;
           }()) +
               ",\"body\":\"نص\"}\n");
  ASSERT_EQ(imported.status, 200) << imported.body;
  article::v1::ImportArticlesResponse summary;
  ASSERT_TRUE(ParseJson(imported.body, &summary));
  ASSERT_EQ(summary.results_size(), 1);
  EXPECT_EQ(summary.results(0).external_id(), "sql-1';--");
  EXPECT_EQ(EditorGet(summary.results(0).article_id()).title(), std::string("مستورد ") + kSql);

  ticker::v1::TickerItem item;
  item.set_text(std::string("خبر ") + kSql);
  item.set_author(std::string("محرر ") + kSql);
  item.set_priority(ticker::v1::PRIORITY_URGENT);
  const ticker::v1::TickerItem pushed = PushTicker(item);
  EXPECT_EQ(pushed.text(), item.text());
  EXPECT_EQ(pushed.author(), item.author());
  bool listed_verbatim = false;
  for (const ticker::v1::TickerItem& shown : SettledTicker()) {
    listed_verbatim =
        listed_verbatim || (shown.id() == pushed.id() && shown.text() == item.text() &&
                            shown.author() == item.author());
  }
  EXPECT_TRUE(listed_verbatim);

  // Every table is still there and holds what it held.
  EXPECT_EQ(ArticleCount(), before + 2);
  EXPECT_EQ(Get("/api/v1/sections").status, 200);
  EXPECT_EQ(Get("/").status, 200);
}

}  // namespace
}  // namespace akhbar::e2e
