#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace prometheus {
class Registry;
}

namespace akhbar::db {

struct PoolOptions {
  std::string dsn;
  // Name used in logs and in the metrics' `pool` label ("primary", "replica").
  std::string name = "primary";
  int size = 8;
  // How long a caller waits for a free connection before UNAVAILABLE.
  std::chrono::milliseconds acquire_timeout{2000};
  // Server-side statement_timeout set on every connection.
  std::chrono::milliseconds statement_timeout{5000};
  // libpq connect_timeout, in whole seconds (libpq's unit).
  int connect_timeout_seconds = 2;
};

// A named prepared statement, registered on every connection the pool opens.
struct Statement {
  std::string name;
  std::string sql;
};

// Maps a libpqxx exception (or any std::exception) to a status:
// broken connection → UNAVAILABLE, unique violation → ALREADY_EXISTS,
// serialization failure / deadlock → ABORTED, statement cancelled →
// DEADLINE_EXCEEDED, anything else → INTERNAL. The message given to the
// client is generic; the driver's text is only logged.
absl::Status StatusFromException(const std::exception& e, std::string_view what);

// A bounded pool of libpqxx connections. Connections are opened lazily, a
// broken one is dropped and reopened on next use, so the pool recovers by
// itself after PostgreSQL restarts. Thread-safe.
class Pool {
 public:
  Pool(PoolOptions options, std::vector<Statement> statements,
       prometheus::Registry* registry = nullptr);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Runs `fn` in a transaction that is committed when `fn` returns OK and
  // rolled back otherwise. `query` names the work for metrics and logs.
  // Exceptions thrown by `fn` are mapped with StatusFromException.
  absl::Status Transact(std::string_view query,
                        const std::function<absl::Status(pqxx::work&)>& fn);

  // Like Transact but read-only (no commit needed; rolled back at the end).
  absl::Status Read(std::string_view query,
                    const std::function<absl::Status(pqxx::work&)>& fn);

  // Runs `fn` on a bare connection (for LISTEN, advisory locks, migrations).
  absl::Status WithConnection(std::string_view query,
                              const std::function<absl::Status(pqxx::connection&)>& fn);

  const PoolOptions& options() const { return options_; }

 private:
  class Lease;
  struct Metrics;
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Acquire();
  void Release(std::unique_ptr<pqxx::connection> conn, bool healthy);
  std::unique_ptr<pqxx::connection> Open();

  PoolOptions options_;
  std::vector<Statement> statements_;
  std::unique_ptr<Metrics> metrics_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  int open_ = 0;  // leased + idle
};

// The primary and, optionally, a read replica. Read paths call reader();
// without a replica it is the primary.
class Database {
 public:
  Database(std::unique_ptr<Pool> primary, std::unique_ptr<Pool> replica);
  Pool& primary() { return *primary_; }
  Pool& reader() { return replica_ ? *replica_ : *primary_; }

 private:
  std::unique_ptr<Pool> primary_;
  std::unique_ptr<Pool> replica_;
};

}  // namespace akhbar::db
