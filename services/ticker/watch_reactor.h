#pragma once

#include <grpcpp/support/server_callback.h>

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>

#include "services/ticker/watch_hub.h"

namespace akhbar::ticker {

// One Watch stream on gRPC's callback API: no thread per watcher, so a
// process holds thousands. Messages wait in a bounded queue; when a slow
// client lets it fill up, the stream ends with RESOURCE_EXHAUSTED and the
// sequence to resume from, and nobody else waits for it.
//
// Ownership: gRPC owns the reactor until OnDone; the hub holds the Sink (a
// shared object) and may outlive the reactor, so the sink forgets the reactor
// in OnDone. gRPC calls (StartWrite, Finish) are never made under the lock,
// because gRPC may run a reaction inline on the calling thread.
class WatchReactor : public grpc::ServerWriteReactor<pb::WatchResponse> {
 public:
  static WatchReactor* Create(WatchHub& hub, const pb::WatchRequest& request,
                              std::size_t max_queued);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  class Sink;
  WatchReactor(WatchHub& hub, std::size_t max_queued);

  WatchHub& hub_;
  std::shared_ptr<Sink> sink_;
};

}  // namespace akhbar::ticker
