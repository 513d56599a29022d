#include "libs/db/pool.h"

#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace akhbar::db {
namespace {

using Clock = std::chrono::steady_clock;

// Debian's abseil has its own string_view, not std::string_view.
absl::string_view AbslView(std::string_view v) { return absl::string_view(v.data(), v.size()); }

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

absl::Status WithDriverMessage(absl::Status status, std::string_view driver_message) {
  if (!driver_message.empty()) {
    status.SetPayload(kDriverMessageUrl, absl::Cord(AbslView(driver_message)));
  }
  return status;
}

// libpq's messages name host and port but not the password. Some parse errors
// quote pieces of the connection string, though, so the password is blanked
// out wherever it appears; when the string does not even parse, nothing of
// the message is kept.
std::string RedactConnectMessage(std::string message, const std::string& dsn) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &error);
  if (options == nullptr) {
    if (error != nullptr) PQfreemem(error);
    return "(withheld: the connection string does not parse)";
  }
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (std::strcmp(option->keyword, "password") != 0 || option->val == nullptr) continue;
    const std::string password = option->val;
    if (password.empty()) continue;
    for (size_t at = message.find(password); at != std::string::npos;
         at = message.find(password, at + 3)) {
      message.replace(at, password.size(), "***");
    }
  }
  PQconninfoFree(options);
  return message;
}

// The pool's own connect_timeout applies unless the DSN sets one.
std::string WithConnectTimeout(const std::string& dsn, int seconds) {
  if (seconds <= 0 || dsn.find("connect_timeout") != std::string::npos) return dsn;
  const bool uri = dsn.rfind("postgresql://", 0) == 0 || dsn.rfind("postgres://", 0) == 0;
  if (uri) {
    return absl::StrCat(dsn, dsn.find('?') == std::string::npos ? "?" : "&",
                        "connect_timeout=", seconds);
  }
  return absl::StrCat(dsn, " connect_timeout=", seconds);
}

// Maps an exception to a code and a generic text; see StatusFromException.
std::pair<absl::StatusCode, std::string_view> Classify(const std::exception& e) {
  using Code = absl::StatusCode;
  // Order matters: the pqxx classes form a hierarchy.
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr ||
      dynamic_cast<const pqxx::statement_completion_unknown*>(&e) != nullptr) {
    return {Code::kUnknown, "database connection lost; the outcome is unknown"};
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return {Code::kUnavailable, "database unavailable"};
  }
  if (dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) {
    return {Code::kAborted, "transaction conflict; retry"};
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e); sql != nullptr) {
    const std::string& state = sql->sqlstate();
    if (state == "23505") return {Code::kAlreadyExists, "already exists"};
    if (state.rfind("40", 0) == 0) return {Code::kAborted, "transaction conflict; retry"};
    if (state == "55P03") return {Code::kAborted, "lock not available; retry"};
    if (state == "57014") return {Code::kDeadlineExceeded, "database statement timed out"};
    // Server shutting down or restarting, connection exceptions, too many
    // connections, and a read-only server (a primary demoted by failover).
    if (state == "57P01" || state == "57P02" || state == "57P03" || state.rfind("08", 0) == 0 ||
        state == "53300" || state == "25006") {
      return {Code::kUnavailable, "database unavailable"};
    }
  }
  return {Code::kInternal, "database error"};
}

}  // namespace

absl::Status StatusFromException(const std::exception& e, std::string_view what) {
  const auto [code, text] = Classify(e);
  return WithDriverMessage(absl::Status(code, absl::StrCat(AbslView(what), ": ", AbslView(text))),
                           e.what());
}

// Metric handles, created once; per-query and per-code children are added on
// first use (query names are a small fixed set chosen by the code).
struct Pool::Metrics {
  Metrics(prometheus::Registry* registry, const std::string& pool) : labels{{"pool", pool}} {
    if (registry == nullptr) {
      owned = std::make_shared<prometheus::Registry>();
      registry = owned.get();
    }
    auto& connections = prometheus::BuildGauge()
                            .Name("akhbar_db_pool_connections")
                            .Help("PostgreSQL connections held by the pool, by state")
                            .Register(*registry);
    in_use = &connections.Add({{"pool", pool}, {"state", "in_use"}});
    idle = &connections.Add({{"pool", pool}, {"state", "idle"}});
    wait = &prometheus::BuildHistogram()
                .Name("akhbar_db_pool_wait_seconds")
                .Help("Time to obtain a connection from the pool, including opening one")
                .Register(*registry)
                .Add(labels, prometheus::Histogram::BucketBoundaries{
                                 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5});
    queries = &prometheus::BuildHistogram()
                   .Name("akhbar_db_query_duration_seconds")
                   .Help("Time running a unit of database work, by query name")
                   .Register(*registry);
    errors = &prometheus::BuildCounter()
                  .Name("akhbar_db_errors_total")
                  .Help("Database errors (driver exceptions and pool exhaustion), by status code")
                  .Register(*registry);
  }

  prometheus::Histogram& Query(std::string_view query) {
    std::lock_guard lock(mu);
    auto it = query_children.find(query);
    if (it == query_children.end()) {
      prometheus::Labels query_labels = labels;
      query_labels.emplace("query", std::string(query));
      auto& child = queries->Add(query_labels, prometheus::Histogram::BucketBoundaries{
                                                   0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                   0.1, 0.25, 0.5, 1, 2.5, 5, 10});
      it = query_children.emplace(std::string(query), &child).first;
    }
    return *it->second;
  }

  void CountError(absl::StatusCode code) {
    std::lock_guard lock(mu);
    auto it = error_children.find(code);
    if (it == error_children.end()) {
      prometheus::Labels code_labels = labels;
      code_labels.emplace("code", absl::StatusCodeToString(code));
      it = error_children.emplace(code, &errors->Add(code_labels)).first;
    }
    it->second->Increment();
  }

  std::shared_ptr<prometheus::Registry> owned;
  prometheus::Labels labels;
  prometheus::Gauge* in_use = nullptr;
  prometheus::Gauge* idle = nullptr;
  prometheus::Histogram* wait = nullptr;
  prometheus::Family<prometheus::Histogram>* queries = nullptr;
  prometheus::Family<prometheus::Counter>* errors = nullptr;
  std::mutex mu;
  std::map<std::string, prometheus::Histogram*, std::less<>> query_children;
  std::map<absl::StatusCode, prometheus::Counter*> error_children;
};

// A connection on loan; returns it to the pool (or discards it when broken)
// when it goes out of scope, whatever path the work took.
class Pool::Lease {
 public:
  Lease(Pool* pool, std::unique_ptr<pqxx::connection> conn) : pool_(pool), conn_(std::move(conn)) {}
  Lease(Lease&& other) noexcept
      : pool_(other.pool_), conn_(std::move(other.conn_)), healthy_(other.healthy_) {}
  Lease& operator=(Lease&&) = delete;
  ~Lease() {
    if (conn_ != nullptr) {
      const bool healthy = healthy_ && conn_->is_open();
      pool_->Release(std::move(conn_), healthy);
    }
  }

  pqxx::connection& conn() { return *conn_; }
  void MarkBroken() { healthy_ = false; }

 private:
  Pool* pool_;
  std::unique_ptr<pqxx::connection> conn_;
  bool healthy_ = true;
};

Pool::Pool(PoolOptions options, std::vector<Statement> statements, prometheus::Registry* registry)
    : options_(std::move(options)),
      statements_(std::move(statements)),
      metrics_(std::make_unique<Metrics>(registry, options_.name)) {
  if (options_.size < 1) options_.size = 1;
  std::lock_guard lock(mu_);
  UpdateGaugesLocked();
}

Pool::~Pool() {
  std::lock_guard lock(mu_);
  open_ -= static_cast<int>(idle_.size());
  idle_.clear();
  UpdateGaugesLocked();
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> Pool::Open() {
  try {
    auto conn = std::make_unique<pqxx::connection>(
        WithConnectTimeout(options_.dsn, options_.connect_timeout_seconds));
    // set_variable, not a plain SET: libpqxx restores it if it ever
    // re-establishes the session by itself.
    conn->set_variable("statement_timeout", std::to_string(options_.statement_timeout.count()));
    // Defined now, registered with the server at first use (libpqxx does
    // that lazily), so opening a connection does not need the tables yet.
    for (const Statement& statement : statements_) {
      conn->prepare(statement.name, statement.sql);
    }
    return conn;
  } catch (const std::exception& e) {
    // Never the DSN: it may hold a password.
    return WithDriverMessage(
        absl::UnavailableError(absl::StrCat("database unavailable: cannot connect to the ",
                                            options_.name, " database")),
        RedactConnectMessage(e.what(), options_.dsn));
  }
}

absl::StatusOr<Pool::Lease> Pool::Acquire(std::string_view query) {
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + options_.acquire_timeout;
  std::unique_lock lock(mu_);
  for (;;) {
    if (!idle_.empty()) {
      std::unique_ptr<pqxx::connection> conn = std::move(idle_.back());
      idle_.pop_back();
      UpdateGaugesLocked();
      lock.unlock();
      metrics_->wait->Observe(SecondsSince(start));
      return Lease(this, std::move(conn));
    }
    if (open_ < options_.size) {
      ++open_;  // reserve the slot; connect outside the lock
      UpdateGaugesLocked();
      lock.unlock();
      absl::StatusOr<std::unique_ptr<pqxx::connection>> opened = Open();
      metrics_->wait->Observe(SecondsSince(start));
      if (!opened.ok()) {
        lock.lock();
        --open_;
        UpdateGaugesLocked();
        lock.unlock();
        available_.notify_one();
        return opened.status();
      }
      return Lease(this, std::move(*opened));
    }
    if (Clock::now() >= deadline) {
      lock.unlock();
      metrics_->wait->Observe(SecondsSince(start));
      return absl::UnavailableError(
          absl::StrCat("database unavailable: no free connection (", AbslView(query), ")"));
    }
    available_.wait_until(lock, deadline);
  }
}

void Pool::Release(std::unique_ptr<pqxx::connection> conn, bool healthy) {
  std::vector<std::unique_ptr<pqxx::connection>> doomed;
  {
    std::lock_guard lock(mu_);
    if (healthy) {
      idle_.push_back(std::move(conn));
    } else {
      // A broken connection usually means the server went away (restart,
      // failover); the idle ones are then dead too. Dropping them now costs
      // a reconnect each, instead of one failed request each.
      doomed.push_back(std::move(conn));
      for (auto& idle : idle_) doomed.push_back(std::move(idle));
      idle_.clear();
      open_ -= static_cast<int>(doomed.size());
    }
    UpdateGaugesLocked();
  }
  if (healthy) {
    available_.notify_one();
  } else {
    available_.notify_all();
  }
  // `doomed` closes its sockets here, outside the lock.
}

void Pool::UpdateGaugesLocked() {
  metrics_->idle->Set(static_cast<double>(idle_.size()));
  metrics_->in_use->Set(static_cast<double>(open_ - static_cast<int>(idle_.size())));
}

absl::Status Pool::Run(std::string_view query, const std::function<absl::Status(Lease&)>& body) {
  absl::StatusOr<Lease> lease = Acquire(query);
  if (!lease.ok()) {
    metrics_->CountError(lease.status().code());
    return lease.status();
  }
  const Clock::time_point start = Clock::now();
  absl::Status status;
  try {
    status = body(*lease);
  } catch (const std::exception& e) {
    status = StatusFromException(e, query);
    // Whatever the server did, a connection that lost track of its session
    // must not serve the next caller.
    if (status.code() == absl::StatusCode::kUnavailable ||
        status.code() == absl::StatusCode::kUnknown) {
      lease->MarkBroken();
    }
    metrics_->CountError(status.code());
  } catch (...) {
    status = absl::InternalError(absl::StrCat(AbslView(query), ": unexpected exception"));
    metrics_->CountError(status.code());
  }
  metrics_->Query(query).Observe(SecondsSince(start));
  return status;
}

absl::Status Pool::Transact(std::string_view query,
                            const std::function<absl::Status(pqxx::work&)>& fn) {
  return Run(query, [&](Lease& lease) {
    pqxx::work txn(lease.conn());
    absl::Status status = fn(txn);
    if (status.ok()) {
      txn.commit();
      return status;
    }
    try {
      txn.abort();
    } catch (const std::exception&) {
      // The rollback could not be sent: the session is gone, and the server
      // rolls back on its own. The caller's status is the one that matters.
      lease.MarkBroken();
    }
    return status;
  });
}

absl::Status Pool::Read(std::string_view query,
                        const std::function<absl::Status(pqxx::work&)>& fn) {
  return Run(query, [&](Lease& lease) {
    pqxx::work txn(lease.conn());
    absl::Status status = fn(txn);
    try {
      txn.abort();
    } catch (const std::exception&) {
      // What `fn` read is complete; only the connection is lost.
      lease.MarkBroken();
    }
    return status;
  });
}

absl::Status Pool::WithConnection(std::string_view query,
                                  const std::function<absl::Status(pqxx::connection&)>& fn) {
  return Run(query, [&](Lease& lease) { return fn(lease.conn()); });
}

Database::Database(std::unique_ptr<Pool> primary, std::unique_ptr<Pool> replica)
    : primary_(std::move(primary)), replica_(std::move(replica)) {
  if (primary_ == nullptr) {
    std::fputs("akhbar::db::Database: a primary pool is required\n", stderr);
    std::abort();
  }
}

}  // namespace akhbar::db
