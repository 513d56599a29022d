#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <optional>

namespace akhbar::ctl {

// A one-line progress bar on stderr for long imports. It only draws when
// stderr is a terminal (logs and CI output stay clean) and redraws at most ten
// times a second, because writing to a terminal on every line would cost more
// than the import itself.
class ProgressBar {
 public:
  // `total` is unknown when reading from a pipe; then only the count is shown.
  ProgressBar(std::optional<std::size_t> total, std::FILE* stream = stderr);

  void Update(std::size_t done);
  // Everything is sent; the server may still be working through its backlog,
  // and a bar standing at 100% with no word would look hung.
  void Waiting();
  // Draws the final state and ends the line.
  void Finish();

 private:
  void Draw(const char* note);

  std::optional<std::size_t> total_;
  std::FILE* stream_;
  bool enabled_;
  std::size_t done_ = 0;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace akhbar::ctl
