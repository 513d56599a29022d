#pragma once

#include <memory>
#include <string>

namespace akhbar::gateway {

// One browser's Server-Sent Events connection as the ticker fan-out sees it.
// Send never blocks: frames are queued on the connection, and a connection
// that cannot keep up closes itself (the browser reconnects with
// Last-Event-ID and misses nothing), so one slow reader never delays others.
class SseSink {
 public:
  virtual ~SseSink() = default;
  // `frame` is one complete SSE message ("id: …\nevent: …\ndata: …\n\n" or a
  // ": heartbeat\n\n" comment), shared by every sink that receives it.
  virtual void Send(std::shared_ptr<const std::string> frame) = 0;
  // The fan-out is stopping (gateway drain): finish the response.
  virtual void Close() = 0;
};

}  // namespace akhbar::gateway
