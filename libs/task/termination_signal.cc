#include "libs/task/termination_signal.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

namespace akhbar::task {
namespace {

// Self-pipe: the signal handler only writes a byte, which is async-signal-safe
// and works whichever thread the kernel picks to run the handler.
int g_signal_pipe[2] = {-1, -1};

void OnTerminationSignal(int signal_number) {
  unsigned char byte = static_cast<unsigned char>(signal_number);
  [[maybe_unused]] ssize_t written = write(g_signal_pipe[1], &byte, 1);
}

}  // namespace

bool InstallTerminationSignalHandlers() {
  if (pipe(g_signal_pipe) != 0) return false;
  struct sigaction action {};
  action.sa_handler = OnTerminationSignal;
  sigemptyset(&action.sa_mask);
  return sigaction(SIGTERM, &action, nullptr) == 0 && sigaction(SIGINT, &action, nullptr) == 0;
}

int WaitForTerminationSignal() {
  unsigned char byte = 0;
  while (read(g_signal_pipe[0], &byte, 1) < 0 && errno == EINTR) {
  }
  return byte;
}

}  // namespace akhbar::task
