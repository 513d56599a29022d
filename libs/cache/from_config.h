#pragma once

#include "libs/cache/redis.h"
#include "libs/config/common.h"

namespace akhbar::cache {

// Redis options from the shared settings; the rest keep their defaults.
inline RedisOptions RedisOptionsFrom(const config::RedisConfig& config) {
  RedisOptions options;
  options.host = config.host;
  options.port = config.port;
  options.pool_size = config.pool_size;
  options.connect_timeout = config.timeout;
  options.command_timeout = config.timeout;
  return options;
}

}  // namespace akhbar::cache
