#pragma once

namespace akhbar::task {

// SIGTERM and SIGINT are turned into a wake-up of WaitForTerminationSignal,
// so that every process drains the same way whichever thread the kernel
// delivers the signal to. Call Install once in main, before any thread starts.
bool InstallTerminationSignalHandlers();
// Blocks until SIGTERM or SIGINT arrives; returns the signal number.
int WaitForTerminationSignal();

}  // namespace akhbar::task
