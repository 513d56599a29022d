#include "libs/task/bounded_pool.h"

// clang-format off
#include <utility>  // before asio: see libs/http/beast.h
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
// clang-format on

namespace akhbar::task {

struct BoundedPool::Threads {
  explicit Threads(int count) : pool(static_cast<std::size_t>(count)) {}
  boost::asio::thread_pool pool;
};

BoundedPool::BoundedPool(int threads, int max_pending)
    : threads_(std::make_unique<Threads>(threads)), max_pending_(max_pending) {}

BoundedPool::~BoundedPool() { Join(); }

bool BoundedPool::TrySubmit(std::function<void()> work) {
  if (pending_.fetch_add(1, std::memory_order_relaxed) >= max_pending_) {
    pending_.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  boost::asio::post(threads_->pool, [this, work = std::move(work)] {
    work();
    pending_.fetch_sub(1, std::memory_order_relaxed);
  });
  return true;
}

void BoundedPool::Join() { threads_->pool.join(); }

}  // namespace akhbar::task
