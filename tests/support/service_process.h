#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>

namespace akhbar::testing {

// One of our service binaries run as a child process, the way it runs in
// production, with its configuration in the environment. Output goes to a
// log file that tests print when something fails.
class ServiceProcess {
 public:
  ServiceProcess(std::string binary, std::map<std::string, std::string> env, std::string log_path);
  ~ServiceProcess();
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  // Starts the process; false when it cannot be spawned.
  bool Start();
  // Waits until grpc.health.v1 reports SERVING on `address` (true) or the
  // process dies or `timeout` passes (false).
  bool WaitServing(const std::string& address, std::chrono::milliseconds timeout);
  // SIGTERM and wait for exit; returns the exit status (or -1).
  int Terminate(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  bool Running();
  std::string LogTail(std::size_t bytes = 4000) const;

 private:
  std::string binary_;
  std::map<std::string, std::string> env_;
  std::string log_path_;
  pid_t pid_ = -1;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

}  // namespace akhbar::testing
