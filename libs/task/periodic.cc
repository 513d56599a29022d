#include "libs/task/periodic.h"

#include <pthread.h>

namespace akhbar::task {

Periodic::Periodic(std::string name, Work work) : name_(std::move(name)), work_(std::move(work)) {}

Periodic::~Periodic() { Stop(); }

void Periodic::Start() {
  thread_ = std::thread([this] { Loop(); });
  // Named threads make `top -H` and gdb readable at 3 a.m.
  pthread_setname_np(thread_.native_handle(), name_.substr(0, 15).c_str());
}

void Periodic::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  wake_.notify_one();
}

void Periodic::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Periodic::Loop() {
  while (true) {
    std::chrono::milliseconds delay = work_();
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, delay, [this] { return woken_ || stopping_; });
    if (stopping_) return;
    woken_ = false;
  }
}

}  // namespace akhbar::task
