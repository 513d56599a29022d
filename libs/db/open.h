#pragma once

#include <memory>
#include <vector>

#include "libs/config/common.h"
#include "libs/db/pool.h"

namespace akhbar::db {

// The primary pool and, when configured, the replica pool, as every service
// opens them from its PostgreSQL settings.
std::unique_ptr<Database> OpenDatabase(const config::PostgresConfig& config,
                                       const std::vector<Statement>& statements,
                                       prometheus::Registry* registry);

}  // namespace akhbar::db
