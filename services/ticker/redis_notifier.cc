#include "services/ticker/redis_notifier.h"

#include <string>

#include "libs/log/log.h"

namespace akhbar::ticker {

void RedisTickerNotifier::EventsCommitted(uint64_t sequence) {
  absl::Status status = redis_.Publish(kEventsChannel, std::to_string(sequence));
  if (status.ok()) {
    if (failing_.exchange(false)) log::Info("ticker wake-ups reach Redis again");
    return;
  }
  if (!failing_.exchange(true)) {
    log::Warning("cannot publish ticker wake-ups; replicas fall back to polling",
                 {{"error", status.ToString()}});
  }
}

}  // namespace akhbar::ticker
