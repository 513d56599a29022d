#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "services/gateway/sse_sink.h"

namespace akhbar::gateway {

// A browser as the tests see it: every frame it was sent, in order.
class RecordingSink : public SseSink {
 public:
  void Send(std::shared_ptr<const std::string> frame) override {
    {
      std::lock_guard lock(mu_);
      frames_.push_back(std::move(frame));
    }
    changed_.notify_all();
  }
  void Close() override {
    std::function<void()> on_close;
    {
      std::lock_guard lock(mu_);
      ++closes_;
      on_close = on_close_;
    }
    changed_.notify_all();
    if (on_close) on_close();
  }

  void SetOnClose(std::function<void()> on_close) {
    std::lock_guard lock(mu_);
    on_close_ = std::move(on_close);
  }
  std::vector<std::string> Frames() const {
    std::lock_guard lock(mu_);
    std::vector<std::string> frames;
    for (const auto& frame : frames_) frames.push_back(*frame);
    return frames;
  }
  std::vector<std::shared_ptr<const std::string>> SharedFrames() const {
    std::lock_guard lock(mu_);
    return frames_;
  }
  std::size_t frame_count() const {
    std::lock_guard lock(mu_);
    return frames_.size();
  }
  int closes() const {
    std::lock_guard lock(mu_);
    return closes_;
  }

  // For frames sent from another thread: whether `count` arrived in time.
  bool WaitForFrames(std::size_t count,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5)) const {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, timeout, [&] { return frames_.size() >= count; });
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  std::vector<std::shared_ptr<const std::string>> frames_;
  int closes_ = 0;
  std::function<void()> on_close_;
};

// The parts of one SSE frame.
struct ParsedFrame {
  std::string id;
  std::string event;
  std::string data;
};

// Splits "id: …\nevent: …\ndata: …\n\n"; a comment frame leaves every part empty.
inline ParsedFrame ParseFrame(const std::string& frame) {
  ParsedFrame parsed;
  std::size_t start = 0;
  while (start < frame.size()) {
    std::size_t end = frame.find('\n', start);
    if (end == std::string::npos) end = frame.size();
    std::string line = frame.substr(start, end - start);
    auto take = [&line](const std::string& field, std::string& into) {
      if (line.rfind(field + ": ", 0) == 0) into = line.substr(field.size() + 2);
    };
    take("id", parsed.id);
    take("event", parsed.event);
    take("data", parsed.data);
    start = end + 1;
  }
  return parsed;
}

}  // namespace akhbar::gateway
