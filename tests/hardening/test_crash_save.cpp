// Crash during save: a child process saves two different organisations over one file, alternately and
// without pause, and is killed with SIGKILL at a random moment. After every kill the file on disk must
// be byte for byte one of the two archives, and load. The child reports through shared memory which
// file operation it was in, so the test also shows that the kills landed in every phase of a save.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "../../src/persistence/file_ops.hpp"
#include "common.hpp"
#include "rapport/archive.hpp"
#include "rapport/error.hpp"

using namespace rapport;
using namespace hardening;

namespace {

/// Where the child is, written by its file layer into memory shared with the parent.
enum Phase : int { idle, writing, syncing_file, closing, renaming, syncing_folder, phase_count };
const char* phase_names[] = {"payload encoding", "write", "fsync of the file", "close", "rename", "folder open/fsync"};

struct Shared {
  std::atomic<int> phase;
  std::atomic<long> saves;  ///< saves the child completed
};
Shared* shared = nullptr;

detail::FileOps real = detail::default_file_ops();

int c_open(const char* p, int flags, mode_t m) {
  if (flags & O_DIRECTORY) shared->phase = syncing_folder;
  return real.open(p, flags, m);
}
ssize_t c_write(int fd, const void* b, std::size_t n) {
  shared->phase = writing;
  const ssize_t k = real.write(fd, b, n);
  shared->phase = idle;
  return k;
}
ssize_t c_pwrite(int fd, const void* b, std::size_t n, off_t off) {
  shared->phase = writing;
  return real.pwrite(fd, b, n, off);
}
int c_fsync(int fd) {
  if (shared->phase != syncing_folder) shared->phase = syncing_file;
  return real.fsync(fd);
}
int c_close(int fd) {
  if (shared->phase != syncing_folder) shared->phase = closing;
  return real.close(fd);
}
int c_rename(const char* a, const char* b) {
  shared->phase = renaming;
  return real.rename(a, b);
}

[[noreturn]] void child(const Organisation& a, const Organisation& b, const fs::path& file, int ready_fd) {
  auto& ops = detail::file_ops();
  ops.open = c_open, ops.write = c_write, ops.pwrite = c_pwrite, ops.fsync = c_fsync, ops.close = c_close,
  ops.rename = c_rename;
  const char one = 1;
  if (::write(ready_fd, &one, 1) != 1) ::_exit(3);
  for (long i = 0;; ++i) {
    try {
      shared->phase = idle;
      save(i % 2 == 0 ? b : a, file);
      shared->saves.fetch_add(1);
    } catch (...) {
      ::_exit(2);
    }
  }
}

/// Runs `iterations` kills at random moments, then aimed ones if none landed in the write phase.
void run_kills(int iterations, unsigned seed) {
  TempDir dir("rapport-crash");
  const fs::path file = dir.path / "org.rapport";
  // Two states that differ everywhere; large enough that a save spans many writes.
  const Organisation a = sample_org(11, 60000, "state-a");
  const Organisation b = sample_org(12, 70000, "state-b");
  const std::string bytes_a = save_to_bytes(a), bytes_b = save_to_bytes(b);
  REQUIRE(bytes_a != bytes_b);
  save(a, file);

  // Calibrate: how long one save takes here, so that the kills spread over whole saves.
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 4; ++i) save(i % 2 ? a : b, file);
  save(a, file);
  const auto per_save = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0) / 5;
  const long window = std::max<long>(2 * per_save.count(), 1000);

  void* mem = ::mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  REQUIRE(mem != MAP_FAILED);
  shared = new (mem) Shared{};

  std::mt19937 rng(seed);
  std::map<int, int> phases;
  int found_a = 0, found_b = 0, stale_temps = 0;
  long completed = 0;
  // One round: start a child, kill it, check the file. With `aim`, the kill waits (up to one window)
  // until the child is in that phase, so that a phase too short for random kills to hit is still
  // covered on a slow machine (sanitizer builds spend nearly all their time in payload encoding).
  const auto round = [&](int it, std::optional<Phase> aim) {
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    shared->saves = 0;
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(pipe_fds[0]);
      child(a, b, file, pipe_fds[1]);
    }
    ::close(pipe_fds[1]);
    char c;
    REQUIRE(::read(pipe_fds[0], &c, 1) == 1);
    ::close(pipe_fds[0]);
    if (!aim) {
      std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<long>(0, window)(rng)));
    } else {
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(window);
      while (shared->phase.load() != *aim && std::chrono::steady_clock::now() < until) {
      }
    }
    const int phase = shared->phase.load();
    ::kill(pid, SIGKILL);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    INFO("iteration " << it << ", child status " << status);
    REQUIRE(WIFSIGNALED(status));  // the child never stops on its own: it died of the kill
    ++phases[phase];
    completed += shared->saves.load();

    const std::string now = read_file(file);
    const bool is_a = now == bytes_a, is_b = now == bytes_b;
    INFO("file has " << now.size() << " bytes");
    REQUIRE((is_a || is_b));
    found_a += is_a, found_b += is_b;
    const Organisation loaded = load(file);
    REQUIRE(loaded.conversations().size() == (is_a ? a : b).conversations().size());

    // A kill between creating the temporary file and renaming it leaves that file behind. It is
    // never the archive, and the next save does not pick it up; remove it for the next round.
    for (const auto& e : dir.entries()) {
      if (e == "org.rapport") continue;
      REQUIRE(e.rfind(".org.rapport.tmp-", 0) == 0);
      ++stale_temps;
      fs::remove(dir.path / e);
    }
    // Start each round from state a, so that a kill early in the child's first save finds a.
    if (is_b) save(a, file);
  };
  for (int it = 0; it < iterations; ++it) round(it, std::nullopt);
  // Random kills that missed the write phase are followed by aimed ones, at most 50.
  int aimed = 0;
  for (; phases[writing] == 0 && aimed < 50; ++aimed) round(iterations + aimed, writing);
  ::munmap(mem, sizeof(Shared));
  shared = nullptr;

  std::printf("crash during save: %d random and %d aimed kills (window %ld us, one save %ld us), file held the "
              "old state %d times, the new %d times; %ld saves completed in children; %d stale temporary files\n",
              iterations, aimed, window, long(per_save.count()), found_a, found_b, completed, stale_temps);
  for (const auto& [phase, count] : phases) std::printf("  killed during %-20s %d\n", phase_names[phase], count);
  CHECK(found_a > 0);
  CHECK(found_b > 0);
  CHECK(phases[writing] > 0);
}

}  // namespace

TEST_CASE("a save killed at random moments leaves the old or the new archive (200 kills)", "[hardening][crash]") {
  const char* env = std::getenv("RAPPORT_CRASH_ITERATIONS");
  run_kills(env ? std::atoi(env) : 200, 2024);
}

TEST_CASE("a save killed at random moments leaves the old or the new archive (5000 kills)", "[.slow][hardening][crash]") {
  run_kills(5000, 7);
}
