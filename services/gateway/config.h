#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "libs/config/common.h"
#include "services/gateway/pages/pages.h"

namespace akhbar::gateway {

struct GatewayConfig {
  // AKHBAR_LISTEN_HOST, AKHBAR_GATEWAY_PORT 8080, AKHBAR_GATEWAY_METRICS_PORT
  // 9104, AKHBAR_DRAIN_GRACE_MS, AKHBAR_DRAIN_DEADLINE_MS, AKHBAR_LOG_LEVEL.
  config::ServerConfig server;
  config::RedisConfig redis;  // the article change events
  // gRPC targets of the services: "host:port", "a:1,b:2" (round-robin over
  // both) or any gRPC target such as "dns:///article-headless:50051".
  std::string article_target;                  // AKHBAR_GATEWAY_ARTICLE_TARGET
  std::string ticker_target;                   // AKHBAR_GATEWAY_TICKER_TARGET
  std::string related_target;                  // AKHBAR_GATEWAY_RELATED_TARGET
  std::chrono::milliseconds read_deadline{};   // AKHBAR_GATEWAY_READ_DEADLINE_MS
  std::chrono::milliseconds write_deadline{};  // AKHBAR_GATEWAY_WRITE_DEADLINE_MS

  int io_threads = 0;       // AKHBAR_GATEWAY_IO_THREADS (default: one per core)
  int backend_threads = 0;  // AKHBAR_GATEWAY_BACKEND_THREADS: blocking calls to services
  int max_pending = 0;      // AKHBAR_GATEWAY_MAX_PENDING: calls queued or running, then 503
  std::size_t max_header_bytes = 0;          // AKHBAR_GATEWAY_MAX_HEADER_BYTES
  std::size_t max_body_bytes = 0;            // AKHBAR_GATEWAY_MAX_BODY_BYTES
  std::size_t max_import_bytes = 0;          // AKHBAR_GATEWAY_MAX_IMPORT_BYTES
  std::chrono::milliseconds read_timeout{};  // AKHBAR_GATEWAY_READ_TIMEOUT_MS: a request, or idle
  int max_connections = 0;                   // AKHBAR_GATEWAY_MAX_CONNECTIONS

  // AKHBAR_GATEWAY_CACHE_TTL_MS: the longest a ready response is kept; change
  // events drop it long before that (pins and section edits rely on this).
  std::chrono::milliseconds cache_ttl{};
  // AKHBAR_GATEWAY_RATE_PER_SECOND / _BURST: per client; 0 turns it off.
  double rate_per_second = 0;
  double rate_burst = 0;
  // AKHBAR_GATEWAY_CLIENT_IP_HEADER: e.g. X-Forwarded-For behind a trusted
  // proxy or CDN (its first address is the client); empty uses the peer.
  std::string client_ip_header;

  // AKHBAR_SITE_FILE: the masthead (deploy/seed/site.json) — name, tagline,
  // chairman, editorInChief.
  pages::Site site;
};

// Reads the environment; exits with every problem listed when invalid.
GatewayConfig LoadGatewayConfig();

}  // namespace akhbar::gateway
