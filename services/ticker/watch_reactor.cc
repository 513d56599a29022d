#include "services/ticker/watch_reactor.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "libs/grpc/status.h"

namespace akhbar::ticker {

// The queue and its state, shared by the reactor (gRPC's threads) and the hub
// (the tailer and heartbeat threads).
class WatchReactor::Sink : public WatchSink {
 public:
  Sink(WatchReactor* reactor, std::size_t max_queued)
      : reactor_(reactor), max_queued_(max_queued) {}

  void Offer(std::shared_ptr<const pb::WatchResponse> message) override {
    const pb::WatchResponse* to_write = nullptr;
    std::optional<grpc::Status> to_finish;
    WatchReactor* reactor;
    {
      std::lock_guard lock(mu_);
      reactor = reactor_;
      if (reactor_ == nullptr || ending_) return;
      if (queue_.size() >= max_queued_) {
        // Too slow: drop what waits and end once the write in flight is done.
        ending_ = true;
        grpc::Status status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                            absl::StrCat("this watcher fell behind; reconnect with "
                                         "after_sequence=",
                                         delivered_sequence_));
        if (writing_) {
          while (queue_.size() > 1) queue_.pop_back();
          pending_finish_ = status;
        } else {
          queue_.clear();
          to_finish = status;
        }
      } else {
        queue_.push_back(std::move(message));
        if (!writing_) {
          writing_ = true;
          to_write = queue_.front().get();
        }
      }
    }
    Act(reactor, to_write, to_finish);
  }

  void End(const absl::Status& status) override { EndWith(grpc_util::ToGrpcStatus(status)); }

  void EndWith(const grpc::Status& status) {
    std::optional<grpc::Status> to_finish;
    WatchReactor* reactor;
    {
      std::lock_guard lock(mu_);
      reactor = reactor_;
      if (reactor_ == nullptr || ending_) return;
      ending_ = true;
      if (writing_) {
        while (queue_.size() > 1) queue_.pop_back();
        pending_finish_ = status;
      } else {
        queue_.clear();
        to_finish = status;
      }
    }
    Act(reactor, nullptr, to_finish);
  }

  void WriteDone(bool ok) {
    const pb::WatchResponse* to_write = nullptr;
    std::optional<grpc::Status> to_finish;
    WatchReactor* reactor;
    {
      std::lock_guard lock(mu_);
      reactor = reactor_;
      if (reactor_ == nullptr) return;
      if (!ok) {
        // The client is gone; OnCancel / OnDone follow.
        writing_ = false;
        queue_.clear();
        if (!ending_) {
          ending_ = true;
          to_finish = grpc::Status::CANCELLED;
        } else if (pending_finish_) {
          to_finish = std::move(pending_finish_);
          pending_finish_.reset();
        }
      } else {
        delivered_sequence_ = queue_.front()->sequence();
        queue_.pop_front();
        if (!queue_.empty()) {
          to_write = queue_.front().get();
        } else {
          writing_ = false;
          if (pending_finish_) {
            to_finish = std::move(pending_finish_);
            pending_finish_.reset();
          }
        }
      }
    }
    Act(reactor, to_write, to_finish);
  }

  void Detach() {
    std::lock_guard lock(mu_);
    reactor_ = nullptr;
    queue_.clear();
  }

 private:
  // Outside the lock: gRPC may run OnWriteDone inline. `reactor` was read
  // under the lock and cannot be gone: OnDone comes only after Finish.
  static void Act(WatchReactor* reactor, const pb::WatchResponse* to_write,
                  const std::optional<grpc::Status>& to_finish) {
    if (to_write != nullptr) reactor->StartWrite(to_write);
    if (to_finish) reactor->Finish(*to_finish);
  }

  std::mutex mu_;
  WatchReactor* reactor_;
  const std::size_t max_queued_;
  std::deque<std::shared_ptr<const pb::WatchResponse>> queue_;  // front: being written
  bool writing_ = false;
  bool ending_ = false;
  std::optional<grpc::Status> pending_finish_;
  uint64_t delivered_sequence_ = 0;
};

WatchReactor* WatchReactor::Create(WatchHub& hub, const pb::WatchRequest& request,
                                   std::size_t max_queued) {
  auto* reactor = new WatchReactor(hub, max_queued);
  absl::Status subscribed =
      hub.Subscribe(reactor->sink_, request.section(), request.after_sequence());
  if (!subscribed.ok()) reactor->sink_->End(subscribed);
  return reactor;
}

WatchReactor::WatchReactor(WatchHub& hub, std::size_t max_queued)
    : hub_(hub), sink_(std::make_shared<Sink>(this, max_queued)) {}

void WatchReactor::OnWriteDone(bool ok) { sink_->WriteDone(ok); }

void WatchReactor::OnCancel() { sink_->EndWith(grpc::Status::CANCELLED); }

void WatchReactor::OnDone() {
  sink_->Detach();
  hub_.Unsubscribe(sink_);
  delete this;
}

}  // namespace akhbar::ticker
