#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// Statuses made from driver errors carry the driver's own text (which may
// quote row values) as a payload under this type URL, for the log only:
// absl::Status::ToString() includes it, message() does not. The message stays
// generic and is safe to show a client.
inline constexpr char kDriverMessageUrl[] = "type.akhbar/akhbar.db.DriverMessage";

// Maps a libpqxx exception (or any std::exception) to a status:
// broken connection, server shutting down → UNAVAILABLE; unique violation →
// ALREADY_EXISTS; serialization failure / deadlock → ABORTED (retry the
// transaction); statement cancelled (statement_timeout) → DEADLINE_EXCEEDED;
// commit outcome unknown (connection lost during COMMIT) → UNKNOWN, so that a
// caller does not blindly retry a write that may have happened; anything else
// → INTERNAL. The message is "<what>: <generic text>"; the driver's text goes
// into the kDriverMessageUrl payload.
absl::Status StatusFromException(const std::exception& e, std::string_view what);

// A bounded pool of libpqxx connections. Connections are opened lazily, a
// broken one is dropped and reopened on next use, so the pool recovers by
// itself after PostgreSQL restarts. Thread-safe. Every Lease must end before
// the Pool is destroyed.
//
// Statements are defined on each connection when it opens and registered
// with the server at first use, so a pool may be created before the
// migrations that create the tables they name.
//
// Metrics (registered once, on `registry` or on a private one when null):
//   akhbar_db_pool_connections{pool,state="in_use|idle"}  gauge
//   akhbar_db_pool_wait_seconds{pool}                       histogram
//   akhbar_db_query_duration_seconds{pool,query}            histogram
//   akhbar_db_errors_total{pool,code}                       counter
// `query` is the name given to Transact/Read/WithConnection: keep it a
// fixed string, never built from input.
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
  absl::Status Transact(std::string_view query, const std::function<absl::Status(pqxx::work&)>& fn);

  // Like Transact but read-only (no commit needed; rolled back at the end).
  absl::Status Read(std::string_view query, const std::function<absl::Status(pqxx::work&)>& fn);

  // Runs `fn` on a bare connection (for LISTEN, advisory locks, migrations).
  // Session state `fn` leaves behind (SET, LISTEN, open transactions) stays
  // with the connection for the next caller: undo it before returning.
  absl::Status WithConnection(std::string_view query,
                              const std::function<absl::Status(pqxx::connection&)>& fn);

  const PoolOptions& options() const { return options_; }

 private:
  class Lease;
  struct Metrics;
  absl::StatusOr<Lease> Acquire(std::string_view query);
  void Release(std::unique_ptr<pqxx::connection> conn, bool healthy);
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Open();
  absl::Status Run(std::string_view query, const std::function<absl::Status(Lease&)>& body);
  void UpdateGaugesLocked();

  PoolOptions options_;
  std::vector<Statement> statements_;
  std::unique_ptr<Metrics> metrics_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  int open_ = 0;  // leased + idle + being opened
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
