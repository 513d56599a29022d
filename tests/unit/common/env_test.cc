#include "libs/config/env.h"

#include <gtest/gtest.h>

#include <map>

#include "libs/config/common.h"

namespace akhbar::config {
namespace {

EnvReader ReaderOf(const std::map<std::string, std::string>& values) {
  // The map outlives the reader in every test below.
  return EnvReader([&values](const char* name) -> const char* {
    auto it = values.find(name);
    return it == values.end() ? nullptr : it->second.c_str();
  });
}

TEST(EnvReader, UsesDefaultsWhenUnset) {
  std::map<std::string, std::string> values;
  EnvReader env = ReaderOf(values);
  EXPECT_EQ(env.Int("AKHBAR_X", 7, 1, 10), 7);
  EXPECT_EQ(env.String("AKHBAR_Y", "d"), "d");
  EXPECT_TRUE(env.errors().empty());
}

TEST(EnvReader, CollectsEveryProblemWithTheVariableName) {
  std::map<std::string, std::string> values = {
      {"AKHBAR_PORT", "99999"}, {"AKHBAR_FLAG", "maybe"}, {"AKHBAR_MS", "-1"}};
  EnvReader env = ReaderOf(values);
  env.Int("AKHBAR_PORT", 1, 1, 65535);
  env.Bool("AKHBAR_FLAG", false);
  env.Millis("AKHBAR_MS", std::chrono::milliseconds(1), std::chrono::milliseconds(0),
             std::chrono::milliseconds(10));
  env.Secret("AKHBAR_SECRET");
  ASSERT_EQ(env.errors().size(), 4u);
  EXPECT_NE(env.errors()[0].find("AKHBAR_PORT=\"99999\""), std::string::npos);
  EXPECT_NE(env.errors()[1].find("true or false"), std::string::npos);
  EXPECT_NE(env.errors()[3].find("AKHBAR_SECRET is required"), std::string::npos);
}

TEST(EnvReader, NeverEchoesASecret) {
  std::map<std::string, std::string> values = {{"AKHBAR_PG_DSN", "password=hunter2"},
                                               {"AKHBAR_LOG_LEVEL", "loud"}};
  EnvReader env = ReaderOf(values);
  PostgresConfig pg = ReadPostgresConfig(env);
  ReadServerConfig(env, "ARTICLE", 50051, 9101);
  EXPECT_EQ(pg.dsn, "password=hunter2");
  for (const std::string& error : env.errors()) {
    EXPECT_EQ(error.find("hunter2"), std::string::npos) << error;
  }
  EXPECT_EQ(env.errors().size(), 1u);  // only the log level
}

TEST(SplitHostPort, ParsesAndRejects) {
  std::string host;
  int port = 0;
  EXPECT_TRUE(SplitHostPort("127.0.0.1:6379", &host, &port));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 6379);
  EXPECT_FALSE(SplitHostPort("localhost", &host, &port));
  EXPECT_FALSE(SplitHostPort(":80", &host, &port));
  EXPECT_FALSE(SplitHostPort("h:0", &host, &port));
  EXPECT_FALSE(SplitHostPort("h:abc", &host, &port));
}

}  // namespace
}  // namespace akhbar::config
