#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace akhbar::cache {

// Collapses concurrent loads of one key into a single call: the first caller
// loads, the others wait for its result. This keeps a cache miss on a hot key
// (a breaking story) from sending every waiting request to the database.
template <typename Value>
class SingleFlight {
 public:
  Value Do(const std::string& key, const std::function<Value()>& load) {
    std::shared_ptr<Call> call;
    bool leader = false;
    {
      std::lock_guard lock(mu_);
      auto& slot = calls_[key];
      if (!slot) {
        slot = std::make_shared<Call>();
        leader = true;
      }
      call = slot;
    }
    if (leader) {
      Value value = load();
      {
        std::lock_guard lock(mu_);
        calls_.erase(key);
      }
      {
        std::lock_guard lock(call->mu);
        call->value = value;
      }
      call->done.notify_all();
      return value;
    }
    std::unique_lock lock(call->mu);
    call->done.wait(lock, [&] { return call->value.has_value(); });
    return *call->value;
  }

 private:
  struct Call {
    std::mutex mu;
    std::condition_variable done;
    std::optional<Value> value;
  };
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Call>> calls_;
};

}  // namespace akhbar::cache
