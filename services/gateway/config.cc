#include "services/gateway/config.h"

#include <fstream>
#include <sstream>
#include <thread>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace akhbar::gateway {
namespace {

using std::chrono::milliseconds;

// The masthead file is small JSON edited by hand; a missing field is an error
// worth stopping for, since every page would show it empty.
void ReadSite(config::EnvReader& env, pages::Site* site) {
  const std::string path = env.String("AKHBAR_SITE_FILE", "deploy/seed/site.json");
  std::ifstream file(path);
  if (!file) {
    env.AddError("AKHBAR_SITE_FILE=\"" + path + "\" cannot be read");
    return;
  }
  std::stringstream text;
  text << file.rdbuf();
  google::protobuf::Struct object;
  if (!google::protobuf::util::JsonStringToMessage(text.str(), &object).ok()) {
    env.AddError("AKHBAR_SITE_FILE=\"" + path + "\" is not a JSON object");
    return;
  }
  auto read = [&](const char* name, std::string* out) {
    auto it = object.fields().find(name);
    if (it == object.fields().end() || it->second.string_value().empty()) {
      env.AddError("AKHBAR_SITE_FILE=\"" + path + "\" needs a non-empty \"" + name + "\"");
      return;
    }
    *out = it->second.string_value();
  };
  read("name", &site->name);
  read("tagline", &site->tagline);
  read("chairman", &site->chairman);
  read("editorInChief", &site->editor_in_chief);
}

}  // namespace

GatewayConfig LoadGatewayConfig() {
  config::EnvReader env;
  GatewayConfig config;
  config.server = config::ReadServerConfig(env, "GATEWAY", 8080, 9104);
  config.redis = config::ReadRedisConfig(env);
  config.article_target = env.String("AKHBAR_GATEWAY_ARTICLE_TARGET", "127.0.0.1:50051");
  config.ticker_target = env.String("AKHBAR_GATEWAY_TICKER_TARGET", "127.0.0.1:50052");
  config.related_target = env.String("AKHBAR_GATEWAY_RELATED_TARGET", "127.0.0.1:50053");
  config.read_deadline = env.Millis("AKHBAR_GATEWAY_READ_DEADLINE_MS", milliseconds(1500),
                                    milliseconds(10), milliseconds(60000));
  config.write_deadline = env.Millis("AKHBAR_GATEWAY_WRITE_DEADLINE_MS", milliseconds(10000),
                                     milliseconds(100), milliseconds(600000));
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  config.io_threads = env.Int("AKHBAR_GATEWAY_IO_THREADS", cores, 1, 256);
  config.backend_threads = env.Int("AKHBAR_GATEWAY_BACKEND_THREADS", 32, 1, 1024);
  // One call's worth of queue per backend thread: enough to ride out a
  // burst, little enough that an admitted request never waits long. Beyond
  // it, readers get 503 at once (or the cache's last answer) instead of
  // queueing until their deadline while memory grows.
  config.max_pending =
      env.Int("AKHBAR_GATEWAY_MAX_PENDING", 2 * config.backend_threads, 1, 1000000);
  config.max_header_bytes = static_cast<std::size_t>(
      env.Int("AKHBAR_GATEWAY_MAX_HEADER_BYTES", 16 * 1024, 1024, 1024 * 1024));
  config.max_body_bytes = static_cast<std::size_t>(
      env.Int("AKHBAR_GATEWAY_MAX_BODY_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024));
  config.max_import_bytes = static_cast<std::size_t>(
      env.Int("AKHBAR_GATEWAY_MAX_IMPORT_BYTES", 64 * 1024 * 1024, 1024, 1024 * 1024 * 1024));
  config.read_timeout = env.Millis("AKHBAR_GATEWAY_READ_TIMEOUT_MS", milliseconds(15000),
                                   milliseconds(100), milliseconds(600000));
  config.max_connections = env.Int("AKHBAR_GATEWAY_MAX_CONNECTIONS", 20000, 1, 1000000);
  config.cache_ttl = env.Millis("AKHBAR_GATEWAY_CACHE_TTL_MS", milliseconds(10000), milliseconds(0),
                                milliseconds(3600000));
  config.rate_per_second = env.Double("AKHBAR_GATEWAY_RATE_PER_SECOND", 50, 0, 1e9);
  config.rate_burst = env.Double("AKHBAR_GATEWAY_RATE_BURST", 200, 0, 1e9);
  if (config.rate_per_second > 0 && config.rate_burst < 1) {
    env.AddError("AKHBAR_GATEWAY_RATE_BURST must be at least 1 when a rate is set");
  }
  config.client_ip_header = env.String("AKHBAR_GATEWAY_CLIENT_IP_HEADER", "");
  ReadSite(env, &config.site);
  env.ExitOnErrors("akhbar-gateway");
  return config;
}

}  // namespace akhbar::gateway
