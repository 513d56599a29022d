#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <map>
#include <string>

namespace akhbar::testing {

// A private server for one test process: a fresh temporary directory
// (/tmp/akhbar-test-XXXXXX) and a free loopback port, driven by the project's
// own deploy/local scripts so that tests exercise exactly what developers run.
// The port stays the same across Stop()/Start(), so clients configured with
// it reconnect to the restarted server. The destructor stops the server and
// removes the directory.
//
// Each action returns an AssertionResult carrying the script's output on
// failure: ASSERT_TRUE(server.Start()).
class LocalServer {
 public:
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  ::testing::AssertionResult Start();
  // Orderly shutdown.
  ::testing::AssertionResult Stop();
  // Crash: kill -9 (Redis) or immediate-mode shutdown (PostgreSQL).
  ::testing::AssertionResult Kill();
  // Freezes the server (SIGSTOP to its process group, so PostgreSQL's
  // backends freeze too): connections stay open but nothing answers.
  ::testing::AssertionResult Pause();
  ::testing::AssertionResult Resume();

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }

 protected:
  // `script`: path under deploy/local; `env`: extra environment for it.
  LocalServer(std::string script, std::map<std::string, std::string> env);
  ~LocalServer();

 private:
  ::testing::AssertionResult RunScript(const std::string& verb, bool with_port,
                                       std::string* output = nullptr);
  ::testing::AssertionResult Signal(int signal);

  std::string script_;
  std::map<std::string, std::string> env_;
  std::string dir_;
  int port_ = 0;
  bool paused_ = false;
};

// PostgreSQL 15 with database "akhbar" and superuser "akhbar" (trust auth),
// run with AKHBAR_PG_FAST=1: no fsync, for throwaway clusters only.
class LocalPostgres : public LocalServer {
 public:
  LocalPostgres();
  // "host=127.0.0.1 port=N dbname=akhbar user=akhbar connect_timeout=2"
  std::string dsn() const;
};

// Redis 7 without persistence.
class LocalRedis : public LocalServer {
 public:
  LocalRedis();
};

}  // namespace akhbar::testing
