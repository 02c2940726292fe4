#pragma once
// A one-line progress bar on stderr, drawn only when stderr is a terminal.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace rapport::cli {

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled && ::isatty(2)) {}
  ~ProgressBar() { finish(); }
  bool enabled() const { return enabled_; }

  void update(std::string_view what, std::uint64_t done, std::uint64_t total) {
    if (!enabled_ || total == 0) return;
    std::lock_guard lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    if (drawn_ && done < total && now - last_ < std::chrono::milliseconds(100)) return;
    if (!drawn_) start_ = now;
    last_ = now;
    drawn_ = true;
    constexpr int width = 30;
    double f = double(done) / double(total);
    if (f > 1) f = 1;
    int fill = int(f * width);
    std::string bar(std::size_t(fill), '#');
    bar.resize(width, '.');
    double secs = std::chrono::duration<double>(now - start_).count();
    double mbps = secs > 0 ? double(done) / 1e6 / secs : 0;
    std::fprintf(stderr, "\r[%s] %3d%% %-18.18s %7.1f MB/s", bar.c_str(), int(f * 100), std::string(what).c_str(), mbps);
    std::fflush(stderr);
  }
  void finish() {
    if (!enabled_ || !drawn_) return;
    std::fprintf(stderr, "\r%*s\r", 72, "");
    std::fflush(stderr);
    drawn_ = false;
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace rapport::cli
