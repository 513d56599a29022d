#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "libs/db/pool.h"

namespace akhbar::db {

// One numbered SQL file, embedded in the binary at build time (see
// akhbar_migrations in cmake/AkhbarTargets.cmake) so that a deployed binary
// always carries exactly the schema it was built for.
struct Migration {
  int version = 0;   // from the file name: V001__what.sql → 1
  std::string name;  // the file name
  std::string sql;
};

// Applies the migrations of `component` not yet recorded in schema_migrations,
// in version order, each in its own transaction together with its record.
// Replicas starting at once are serialised by an advisory lock, so each file
// runs exactly once. A recorded migration whose text changed is refused
// (FAILED_PRECONDITION): history is append-only.
absl::Status ApplyMigrations(Pool& pool, const std::string& component,
                             const std::vector<Migration>& migrations);

}  // namespace akhbar::db
