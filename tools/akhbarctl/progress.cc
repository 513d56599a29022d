#include "tools/akhbarctl/progress.h"

#include <unistd.h>

#include <algorithm>
#include <string>

namespace akhbar::ctl {
namespace {

constexpr std::chrono::milliseconds kRedrawInterval{100};
constexpr std::size_t kBarWidth = 30;

}  // namespace

ProgressBar::ProgressBar(std::optional<std::size_t> total, std::FILE* stream)
    : total_(total), stream_(stream), enabled_(isatty(fileno(stream)) == 1) {}

void ProgressBar::Update(std::size_t done) {
  done_ = done;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  Draw("");
}

void ProgressBar::Waiting() {
  if (enabled_) Draw(", waiting for the server");
}

void ProgressBar::Finish() {
  if (!enabled_) return;
  Draw("");
  std::fputc('\n', stream_);
  std::fflush(stream_);
}

void ProgressBar::Draw(const char* note) {
  drawn_ = true;
  // "\033[K" clears what a longer previous line left behind; this only ever
  // runs on a terminal.
  if (!total_ || *total_ == 0) {
    std::fprintf(stream_, "\rimporting: %zu lines%s\033[K", done_, note);
  } else {
    std::size_t done = std::min(done_, *total_);
    std::size_t filled = done * kBarWidth / *total_;
    std::string bar(filled, '#');
    bar.append(kBarWidth - filled, '-');
    std::fprintf(stream_, "\rimporting [%s] %zu/%zu lines%s\033[K", bar.c_str(), done, *total_,
                 note);
  }
  std::fflush(stream_);
}

}  // namespace akhbar::ctl
