#include "libs/db/migrate.h"

#include <algorithm>

#include "libs/log/log.h"

namespace akhbar::db {
namespace {

// Any fixed number works; it only has to be the same in every replica.
constexpr long long kMigrationLockKey = 0x616b68626172;  // "akhbar"

// FNV-1a: a change detector for migration text, not a security measure.
std::string Fingerprint(const std::string& text) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return std::to_string(hash);
}

}  // namespace

absl::Status ApplyMigrations(Pool& pool, const std::string& component,
                             const std::vector<Migration>& migrations) {
  std::vector<Migration> ordered = migrations;
  std::sort(ordered.begin(), ordered.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  return pool.WithConnection("migrate", [&](pqxx::connection& conn) -> absl::Status {
    // Session-level lock: held across the per-file transactions below.
    {
      pqxx::nontransaction lock(conn);
      lock.exec("SELECT pg_advisory_lock(" + std::to_string(kMigrationLockKey) + ")");
    }
    struct Unlock {
      pqxx::connection& conn;
      ~Unlock() {
        try {
          pqxx::nontransaction unlock(conn);
          unlock.exec("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLockKey) + ")");
        } catch (const std::exception&) {
          // The lock dies with the session anyway.
        }
      }
    } unlock{conn};

    {
      pqxx::work tx(conn);
      tx.exec0(
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          " component text NOT NULL, version integer NOT NULL, name text NOT NULL,"
          " fingerprint text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),"
          " PRIMARY KEY (component, version))");
      tx.commit();
    }
    for (const Migration& migration : ordered) {
      pqxx::work tx(conn);
      pqxx::result recorded = tx.exec_params(
          "SELECT fingerprint FROM schema_migrations WHERE component = $1 AND "
          "version = $2",
          component, migration.version);
      const std::string fingerprint = Fingerprint(migration.sql);
      if (!recorded.empty()) {
        if (recorded[0][0].as<std::string>() != fingerprint) {
          return absl::FailedPreconditionError(
              "migration " + migration.name + " of " + component +
              " was changed after it was applied; add a new numbered file instead");
        }
        continue;
      }
      tx.exec0(migration.sql);
      tx.exec_params0(
          "INSERT INTO schema_migrations (component, version, name, fingerprint) "
          "VALUES ($1, $2, $3, $4)",
          component, migration.version, migration.name, fingerprint);
      tx.commit();
      log::Info("migration applied", {{"component", component}, {"name", migration.name}});
    }
    return absl::OkStatus();
  });
}

}  // namespace akhbar::db
