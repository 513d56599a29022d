#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/support/sync_stream.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "akhbar/ticker/v1/ticker.grpc.pb.h"
#include "tests/unit/gateway/ticker/context_cancelled.h"

namespace akhbar::gateway {

// The ticker service's end of one Watch stream, scripted by a test: what it
// sends and how it ends. Thread-safe; the client reads on its own thread.
class FakeWatch {
 public:
  FakeWatch(ticker::v1::WatchRequest request, grpc::ClientContext* context)
      : request_(std::move(request)), context_(context) {}

  const ticker::v1::WatchRequest& request() const { return request_; }

  void Send(ticker::v1::WatchResponse message) {
    {
      std::lock_guard lock(mu_);
      pending_.push_back(std::move(message));
    }
    changed_.notify_all();
  }
  // The client reads what was sent before, then sees the stream end.
  void End(grpc::Status status) {
    {
      std::lock_guard lock(mu_);
      if (!end_) end_ = std::move(status);
    }
    changed_.notify_all();
  }
  // Whether the client called Finish within `timeout`.
  bool WaitFinished(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, timeout, [this] { return finished_; });
  }

  // The client's side (FakeWatchReader).
  bool Read(ticker::v1::WatchResponse* message) {
    std::unique_lock lock(mu_);
    while (true) {
      if (!pending_.empty()) {
        *message = std::move(pending_.front());
        pending_.pop_front();
        return true;
      }
      if (end_) return false;
      // Cancellation leaves no trace but a flag in the context: look often.
      if (ContextCancelled(*context_)) {
        end_ = grpc::Status(grpc::StatusCode::CANCELLED, "Cancelled");
        return false;
      }
      changed_.wait_for(lock, std::chrono::milliseconds(1));
    }
  }
  grpc::Status Finish() {
    grpc::Status status;
    {
      std::lock_guard lock(mu_);
      status = end_.value_or(grpc::Status(grpc::StatusCode::INTERNAL, "Finish before the end"));
      finished_ = true;
    }
    changed_.notify_all();
    return status;
  }

 private:
  const ticker::v1::WatchRequest request_;
  grpc::ClientContext* const context_;  // the client's; outlives the stream
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<ticker::v1::WatchResponse> pending_;
  std::optional<grpc::Status> end_;
  bool finished_ = false;
};

class FakeWatchReader : public grpc::ClientReaderInterface<ticker::v1::WatchResponse> {
 public:
  explicit FakeWatchReader(std::shared_ptr<FakeWatch> watch) : watch_(std::move(watch)) {}
  bool Read(ticker::v1::WatchResponse* message) override { return watch_->Read(message); }
  grpc::Status Finish() override { return watch_->Finish(); }
  bool NextMessageSize(uint32_t* size) override {
    *size = std::numeric_limits<uint32_t>::max();
    return true;
  }
  void WaitForInitialMetadata() override {}

 private:
  std::shared_ptr<FakeWatch> watch_;
};

// A ticker service whose only RPC is a Watch the test drives; the other RPCs
// answer UNIMPLEMENTED so that a test that reaches them fails loudly.
class FakeTickerStub : public ticker::v1::TickerService::StubInterface {
 public:
  // The `nth` (from 0) Watch of `section`, once the client has opened it;
  // null when it is not opened within `timeout`.
  std::shared_ptr<FakeWatch> WaitForWatch(
      const std::string& section, std::size_t nth,
      std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mu_);
    std::shared_ptr<FakeWatch> found;
    opened_.wait_for(lock, timeout, [&] {
      std::size_t seen = 0;
      for (const auto& watch : watches_) {
        if (watch->request().section() != section) continue;
        if (seen++ == nth) {
          found = watch;
          return true;
        }
      }
      return false;
    });
    return found;
  }
  // Messages the next Watch of `section` sends as soon as it is opened, so
  // that they are read before any timer of the client's can fire.
  void Preload(const std::string& section, std::vector<ticker::v1::WatchResponse> messages) {
    std::lock_guard lock(mu_);
    for (auto& message : messages) preloaded_[section].push_back(std::move(message));
  }
  std::size_t watch_count() const {
    std::lock_guard lock(mu_);
    return watches_.size();
  }

  grpc::Status ListTickerItems(grpc::ClientContext*, const ticker::v1::ListTickerItemsRequest&,
                               ticker::v1::ListTickerItemsResponse*) override {
    return Unimplemented();
  }
  grpc::Status PushTickerItem(grpc::ClientContext*, const ticker::v1::PushTickerItemRequest&,
                              ticker::v1::PushTickerItemResponse*) override {
    return Unimplemented();
  }
  grpc::Status UpdateTickerItem(grpc::ClientContext*, const ticker::v1::UpdateTickerItemRequest&,
                                ticker::v1::UpdateTickerItemResponse*) override {
    return Unimplemented();
  }
  grpc::Status RetractTickerItem(grpc::ClientContext*, const ticker::v1::RetractTickerItemRequest&,
                                 ticker::v1::RetractTickerItemResponse*) override {
    return Unimplemented();
  }

 private:
  template <typename T>
  using AsyncUnary = grpc::ClientAsyncResponseReaderInterface<T>;
  using AsyncWatch = grpc::ClientAsyncReaderInterface<ticker::v1::WatchResponse>;

  static grpc::Status Unimplemented() {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "not faked");
  }

  grpc::ClientReaderInterface<ticker::v1::WatchResponse>* WatchRaw(
      grpc::ClientContext* context, const ticker::v1::WatchRequest& request) override {
    auto watch = std::make_shared<FakeWatch>(request, context);
    {
      std::lock_guard lock(mu_);
      auto preloaded = preloaded_.find(request.section());
      if (preloaded != preloaded_.end()) {
        for (auto& message : preloaded->second) watch->Send(std::move(message));
        preloaded_.erase(preloaded);
      }
      watches_.push_back(watch);
    }
    opened_.notify_all();
    return new FakeWatchReader(std::move(watch));
  }

  // The asynchronous API is not what the gateway's feeds use.
  AsyncUnary<ticker::v1::ListTickerItemsResponse>* AsyncListTickerItemsRaw(
      grpc::ClientContext*, const ticker::v1::ListTickerItemsRequest&,
      grpc::CompletionQueue*) override {
    return nullptr;
  }
  AsyncUnary<ticker::v1::ListTickerItemsResponse>* PrepareAsyncListTickerItemsRaw(
      grpc::ClientContext*, const ticker::v1::ListTickerItemsRequest&,
      grpc::CompletionQueue*) override {
    return nullptr;
  }
  AsyncUnary<ticker::v1::PushTickerItemResponse>* AsyncPushTickerItemRaw(
      grpc::ClientContext*, const ticker::v1::PushTickerItemRequest&,
      grpc::CompletionQueue*) override {
    return nullptr;
  }
  AsyncUnary<ticker::v1::PushTickerItemResponse>* PrepareAsyncPushTickerItemRaw(
      grpc::ClientContext*, const ticker::v1::PushTickerItemRequest&,
      grpc::CompletionQueue*) override {
    return nullptr;
  }
  AsyncUnary<ticker::v1::UpdateTickerItemResponse>* AsyncUpdateTickerItemRaw(
      grpc::ClientContext*, const ticker::v1::UpdateTickerItemRequest&,
      grpc::CompletionQueue*) override {
    return nullptr;
  }
  AsyncUnary<ticker::v1::UpdateTickerItemResponse>* PrepareAsyncUpdateTickerItemRaw(
      grpc::ClientContext*, const ticker::v1::UpdateTickerItemRequest&,
      grpc::CompletionQueue*) override {
    return nullptr;
  }
  AsyncUnary<ticker::v1::RetractTickerItemResponse>* AsyncRetractTickerItemRaw(
      grpc::ClientContext*, const ticker::v1::RetractTickerItemRequest&,
      grpc::CompletionQueue*) override {
    return nullptr;
  }
  AsyncUnary<ticker::v1::RetractTickerItemResponse>* PrepareAsyncRetractTickerItemRaw(
      grpc::ClientContext*, const ticker::v1::RetractTickerItemRequest&,
      grpc::CompletionQueue*) override {
    return nullptr;
  }
  AsyncWatch* AsyncWatchRaw(grpc::ClientContext*, const ticker::v1::WatchRequest&,
                            grpc::CompletionQueue*, void*) override {
    return nullptr;
  }
  AsyncWatch* PrepareAsyncWatchRaw(grpc::ClientContext*, const ticker::v1::WatchRequest&,
                                   grpc::CompletionQueue*) override {
    return nullptr;
  }

  mutable std::mutex mu_;
  std::condition_variable opened_;
  std::vector<std::shared_ptr<FakeWatch>> watches_;
  std::map<std::string, std::vector<ticker::v1::WatchResponse>> preloaded_;
};

}  // namespace akhbar::gateway
