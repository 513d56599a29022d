#include "libs/task/periodic.h"

#include <pthread.h>

namespace akhbar::task {

Periodic::Periodic(std::string name, Work work) : name_(std::move(name)), work_(std::move(work)) {}

Periodic::~Periodic() { Stop(); }

void Periodic::Start(std::chrono::milliseconds first_delay) {
  thread_ = std::thread([this, first_delay] { Loop(first_delay); });
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

void Periodic::Loop(std::chrono::milliseconds first_delay) {
  std::chrono::milliseconds delay = first_delay;
  while (true) {
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, delay, [this] { return woken_ || stopping_; });
    if (stopping_) return;
    woken_ = false;
    lock.unlock();
    delay = work_();
  }
}

}  // namespace akhbar::task
