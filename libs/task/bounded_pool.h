#pragma once

#include <atomic>
#include <functional>
#include <memory>

namespace akhbar::task {

// A fixed set of threads for blocking work handed over by threads that must
// never block (gRPC's callback threads), with a cap on the work queued or
// running: beyond it TrySubmit refuses at once, so that overload is shed
// with an answer rather than queued without end. Boost.Asio's thread_pool
// does the scheduling; this adds the cap and an orderly end.
class BoundedPool {
 public:
  BoundedPool(int threads, int max_pending);
  ~BoundedPool();  // Join()
  BoundedPool(const BoundedPool&) = delete;
  BoundedPool& operator=(const BoundedPool&) = delete;

  // False, with `work` not run, when `max_pending` pieces are already queued
  // or running.
  bool TrySubmit(std::function<void()> work);
  // Waits until everything submitted has run. Call once nothing submits any
  // more (after the server has shut down).
  void Join();

 private:
  struct Threads;
  std::unique_ptr<Threads> threads_;
  std::atomic<int> pending_{0};
  const int max_pending_;
};

}  // namespace akhbar::task
