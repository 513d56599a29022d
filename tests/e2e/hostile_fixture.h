#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "akhbar/article/v1/article.pb.h"
#include "akhbar/ticker/v1/ticker.pb.h"
#include "tests/e2e/stack.h"
#include "tests/support/http_client.h"

namespace akhbar::e2e {

using Headers = std::map<std::string, std::string>;

// What the hostile-input tests send in Authorization besides the real
// tokens: no more allowed in a log than those.
inline const std::vector<std::string> kWrongAuthorizations = {
    "Bearer wrong-token-for-e2e",
    "Basic ZWRpdG9yOnB3",
    std::string("Bearer ") + kReaderToken + "-but-longer",
};

// The stack with debug logging (so that the log check below also covers
// what is written only at debug), a section, and helpers to write
// through the gateway. After every test, no token sent during it may appear
// in any process's log.
class HostileE2e : public ::testing::Test {
 protected:
  static constexpr char kSection[] = "politics";

  void SetUp() override;
  void TearDown() override;

  testing::HttpReply Send(const std::string& method, const std::string& target,
                          const Headers& headers = {}, const std::string& body = "");
  testing::HttpReply Get(const std::string& target, const Headers& headers = {}) {
    return Send("GET", target, headers);
  }
  // Authorization with `token` (none when null) and a JSON content type.
  static Headers As(const char* token);

  // Through the gateway as an editor; a failure is a test failure.
  article::v1::Article CreateArticle(const article::v1::Article& article);
  ticker::v1::TickerItem PushTicker(const ticker::v1::TickerItem& item);
  // As the editor sees it (no cache in the way, drafts included).
  article::v1::Article EditorGet(int64_t id);
  // Articles of every status, counted by the service for an editor.
  int64_t ArticleCount();
  // The ticker items showing site-wide, once the gateway's feed has caught up
  // with every change made before this call.
  std::vector<ticker::v1::TickerItem> SettledTicker();
  // The article's page, following /news/{id} to its canonical address.
  std::string PagePath(int64_t id);

  // A published article in kSection with `title` and one paragraph.
  static article::v1::Article Simple(const std::string& title);
  static std::string Json(const google::protobuf::Message& message);

  Stack stack_;
};

// Parses `json` into `message` (unknown fields ignored); false on failure.
bool ParseJson(const std::string& json, google::protobuf::Message* message);

// The error code of a {"error":{"code":…,"message":…}} body, "" otherwise.
std::string ErrorCodeOf(const std::string& body);

}  // namespace akhbar::e2e
