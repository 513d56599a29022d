#include "libs/db/open.h"

namespace akhbar::db {

std::unique_ptr<Database> OpenDatabase(const config::PostgresConfig& config,
                                       const std::vector<Statement>& statements,
                                       prometheus::Registry* registry) {
  auto pool = [&](const std::string& dsn, const char* name) {
    PoolOptions options;
    options.dsn = dsn;
    options.name = name;
    options.size = config.pool_size;
    options.statement_timeout = config.statement_timeout;
    return std::make_unique<Pool>(options, statements, registry);
  };
  return std::make_unique<Database>(
      pool(config.dsn, "primary"),
      config.replica_dsn.empty() ? nullptr : pool(config.replica_dsn, "replica"));
}

}  // namespace akhbar::db
