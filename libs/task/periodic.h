#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace akhbar::task {

// Runs `work` on its own thread every `interval`, or sooner when Wake() is
// called, until Stop(). `work` returns the delay before its next run, so a
// failing task can back off without a separate timer.
class Periodic {
 public:
  using Work = std::function<std::chrono::milliseconds()>;
  Periodic(std::string name, Work work);
  ~Periodic();
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

  // The first run happens after `first_delay` (at once by default).
  void Start(std::chrono::milliseconds first_delay = std::chrono::milliseconds(0));
  void Wake();
  // Waits for a run in progress to finish; idempotent.
  void Stop();

 private:
  void Loop(std::chrono::milliseconds first_delay);
  std::string name_;
  Work work_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace akhbar::task
