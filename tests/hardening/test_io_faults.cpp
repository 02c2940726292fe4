// I/O faults: every call a save or a load makes to the file layer is made to fail in turn (the N-th call,
// for N = 0, 1, 2, ... until a run makes fewer than N calls), in four ways: an error, an interruption
// (EINTR), a short transfer, and an error that persists for every later call. After each run the
// archive on disk must be exactly the previous one (or, for faults after the rename, exactly the new
// one), keep its permissions, leave no temporary file, and the call must have reported IoError.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "../../src/persistence/file_ops.hpp"
#include "common.hpp"
#include "rapport/archive.hpp"
#include "rapport/error.hpp"

using namespace rapport;
using namespace hardening;

namespace {

enum class Op { open, pread, write, pwrite, fstat, stat, fsync, close, rename, unlink };
const char* name(Op op) {
  static const char* names[] = {"open", "pread", "write", "pwrite", "fstat", "stat", "fsync", "close", "rename", "unlink"};
  return names[int(op)];
}
/// The errno a failing call reports: what the operating system would say in the likeliest failure.
int error_of(Op op) {
  switch (op) {
    case Op::open: return EACCES;
    case Op::write:
    case Op::pwrite: return ENOSPC;
    case Op::rename: return EXDEV;
    case Op::unlink: return EBUSY;
    default: return EIO;
  }
}

enum class Mode {
  error,       ///< the N-th call fails with error_of(op)
  interrupt,   ///< the N-th read/write/pwrite returns EINTR before doing anything
  short_io,    ///< the N-th read/write/pwrite transfers only part of what was asked
  persistent,  ///< the N-th call and every later one fail (the disk went away)
};

/// The injector: counts every call to the file layer and makes the chosen one fail.
struct Injector {
  static inline long calls = 0;
  static inline long fail_at = -1;
  static inline Mode mode = Mode::error;
  static inline bool fired = false;
  static inline Op fired_op = Op::open;
  static inline bool renamed = false;  ///< a rename succeeded before the fault fired
  static inline std::vector<Op> log;

  static void arm(long n, Mode m) {
    calls = 0, fail_at = n, mode = m, fired = false, renamed = false;
    log.clear();
  }
  /// Whether this call (of `op`) is the one to fail; counts it.
  static bool hit(Op op) {
    log.push_back(op);
    const long i = calls++;
    const bool io = op == Op::pread || op == Op::write || op == Op::pwrite;
    bool fail = false;
    if (mode == Mode::persistent) fail = fail_at >= 0 && i >= fail_at;
    else if (i == fail_at && (mode == Mode::error || io)) fail = true;
    if (fail && !fired) fired = true, fired_op = op;
    return fail;
  }
};

detail::FileOps real = detail::default_file_ops();

int f_open(const char* p, int flags, mode_t m) {
  if (Injector::hit(Op::open)) return errno = error_of(Op::open), -1;
  return real.open(p, flags, m);
}
ssize_t f_pread(int fd, void* b, std::size_t n, off_t off) {
  if (Injector::hit(Op::pread)) {
    if (Injector::mode == Mode::short_io) return real.pread(fd, b, n > 1 ? n / 2 : n, off);
    return errno = Injector::mode == Mode::interrupt ? EINTR : error_of(Op::pread), -1;
  }
  return real.pread(fd, b, n, off);
}
ssize_t f_write(int fd, const void* b, std::size_t n) {
  if (Injector::hit(Op::write)) {
    if (Injector::mode == Mode::short_io) return real.write(fd, b, n > 1 ? n / 2 : n);
    return errno = Injector::mode == Mode::interrupt ? EINTR : error_of(Op::write), -1;
  }
  return real.write(fd, b, n);
}
ssize_t f_pwrite(int fd, const void* b, std::size_t n, off_t off) {
  if (Injector::hit(Op::pwrite)) {
    if (Injector::mode == Mode::short_io) return real.pwrite(fd, b, n > 1 ? n / 2 : n, off);
    return errno = Injector::mode == Mode::interrupt ? EINTR : error_of(Op::pwrite), -1;
  }
  return real.pwrite(fd, b, n, off);
}
int f_fstat(int fd, struct stat* st) {
  if (Injector::hit(Op::fstat)) return errno = error_of(Op::fstat), -1;
  return real.fstat(fd, st);
}
int f_stat(const char* p, struct stat* st) {
  if (Injector::hit(Op::stat)) return errno = error_of(Op::stat), -1;
  return real.stat(p, st);
}
int f_fsync(int fd) {
  if (Injector::hit(Op::fsync)) return errno = error_of(Op::fsync), -1;
  return real.fsync(fd);
}
int f_close(int fd) {
  // Like Linux: the descriptor is released even when close reports an error.
  const int rc = real.close(fd);
  if (Injector::hit(Op::close)) return errno = error_of(Op::close), -1;
  return rc;
}
int f_rename(const char* a, const char* b) {
  if (Injector::hit(Op::rename)) return errno = error_of(Op::rename), -1;
  const int rc = real.rename(a, b);
  if (rc == 0 && !Injector::fired) Injector::renamed = true;
  return rc;
}
int f_unlink(const char* p) {
  if (Injector::hit(Op::unlink)) return errno = error_of(Op::unlink), -1;
  return real.unlink(p);
}

/// Installs the injecting file layer for the lifetime of the object.
struct Injected {
  detail::FileOps saved = detail::file_ops();
  Injected() {
    detail::file_ops() = {f_open, f_pread, f_write, f_pwrite, f_fstat, f_stat, f_fsync, f_close, f_rename, f_unlink};
    Injector::arm(-1, Mode::error);
  }
  ~Injected() { detail::file_ops() = saved; }
};

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::error: return "error";
    case Mode::interrupt: return "EINTR";
    case Mode::short_io: return "short transfer";
    case Mode::persistent: return "persistent error";
  }
  return "?";
}

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

/// Failure points exercised, by mode and operation, for the summary line.
std::map<std::string, int> exercised;

}  // namespace

TEST_CASE("a save walked over every failure point keeps the previous archive", "[hardening][io]") {
  const Organisation old_org = sample_org(1, 2000, "old");
  const Organisation new_org = sample_org(2, 120000, "new");  // about 2.8 MB: many write calls
  const std::string new_bytes = save_to_bytes(new_org);
  int points = 0;

  for (Mode mode : {Mode::error, Mode::interrupt, Mode::short_io, Mode::persistent}) {
    for (long n = 0;; ++n) {
      INFO(mode_name(mode) << " at call " << n);
      TempDir dir;
      const fs::path file = dir.path / "org.rapport";
      save(old_org, file);
      ::chmod(file.c_str(), 0600);  // private: a save must keep it so, whatever fails
      const std::string old_bytes = read_file(file);

      bool threw = false;
      std::string what;
      {
        Injected injected;
        Injector::arm(n, mode);
        try {
          save(new_org, file);
        } catch (const IoError& e) {
          threw = true;
          what = e.what();
        }
        // Any other exception escapes and fails the test.
      }
      if (!Injector::fired) {
        // Fewer calls than n (or none of the kind this mode affects at n): a clean save.
        REQUIRE_FALSE(threw);
        REQUIRE(read_file(file) == new_bytes);
        if (n >= Injector::calls) break;
        continue;
      }
      ++points;
      ++exercised[std::string("save/") + mode_name(mode) + "/" + name(Injector::fired_op)];
      INFO("failed call: " << name(Injector::fired_op) << ", message: " << what);
      const std::string now = read_file(file);
      if (mode == Mode::interrupt || mode == Mode::short_io) {
        // Interrupted and short transfers are resumed: the save completes.
        REQUIRE_FALSE(threw);
        REQUIRE(now == new_bytes);
      } else if (!Injector::renamed) {
        // Before the rename: the error is reported and the previous archive is untouched.
        REQUIRE(threw);
        REQUIRE(what.find(std::strerror(error_of(Injector::fired_op))) != std::string::npos);
        REQUIRE(now == old_bytes);
      } else if (Injector::fired_op == Op::close) {
        // Closing the folder after its sync: nothing is lost, nothing to report.
        REQUIRE(now == new_bytes);
      } else {
        // The folder could not be opened or synced after the rename: the new archive is complete
        // but its durability is not assured, which the error says.
        REQUIRE(threw);
        REQUIRE(what.rfind("saved '", 0) == 0);
        REQUIRE(now == new_bytes);
      }
      REQUIRE(mode_of(file) == 0600);
      if (mode != Mode::persistent) {
        REQUIRE(dir.entries() == std::vector<std::string>{"org.rapport"});
      } else {
        // The clean-up's own unlink fails too: a temporary file may stay, never anything else, and
        // it is as private as the archive.
        for (const auto& e : dir.entries()) {
          if (e == "org.rapport") continue;
          REQUIRE(e.rfind(".org.rapport.tmp-", 0) == 0);
          REQUIRE(mode_of(dir.path / e) == 0600);
        }
      }
      REQUIRE(load(file).units().size() > 0);
    }
  }
  std::printf("io faults: %d failure points of a save exercised\n", points);
  CHECK(points > 40);
}

TEST_CASE("a first save walked over every failure point leaves nothing behind", "[hardening][io]") {
  const Organisation org = sample_org(3, 30000, "first");
  const std::string bytes = save_to_bytes(org);
  int points = 0;
  for (long n = 0;; ++n) {
    INFO("error at call " << n);
    TempDir dir;
    const fs::path file = dir.path / "new.rapport";
    bool threw = false;
    {
      Injected injected;
      Injector::arm(n, Mode::error);
      try {
        save(org, file);
      } catch (const IoError&) {
        threw = true;
      }
    }
    if (!Injector::fired) {
      REQUIRE(read_file(file) == bytes);
      break;
    }
    ++points;
    ++exercised[std::string("first save/") + name(Injector::fired_op)];
    INFO("failed call: " << name(Injector::fired_op));
    if (!Injector::renamed) {
      REQUIRE(threw);
      REQUIRE(dir.entries().empty());
    } else {
      REQUIRE(dir.entries() == std::vector<std::string>{"new.rapport"});
      REQUIRE(read_file(file) == bytes);
    }
  }
  CHECK(points > 5);
}

TEST_CASE("a load walked over every failure point fails cleanly or reads the whole archive", "[hardening][io]") {
  TempDir dir;
  const fs::path file = dir.path / "org.rapport";
  const Organisation org = sample_org(4, 400000, "load");  // about 9 MB: many reads, a mapped buffer
  save(org, file);
  const std::string bytes = read_file(file);
  int points = 0;
  for (Mode mode : {Mode::error, Mode::interrupt, Mode::short_io, Mode::persistent}) {
    for (long n = 0;; ++n) {
      INFO(mode_name(mode) << " at call " << n);
      bool threw = false;
      std::string loaded;
      {
        Injected injected;
        Injector::arm(n, mode);
        try {
          loaded = save_to_bytes(load(file));
        } catch (const IoError&) {
          threw = true;
        }
      }
      if (!Injector::fired) {
        REQUIRE(loaded == bytes);
        if (n >= Injector::calls) break;
        continue;
      }
      ++points;
      ++exercised[std::string("load/") + mode_name(mode) + "/" + name(Injector::fired_op)];
      INFO("failed call: " << name(Injector::fired_op));
      if (Injector::fired_op == Op::close || mode == Mode::interrupt || mode == Mode::short_io) {
        // A failing close after the whole file was read, an interrupted or a short read: the archive loads.
        REQUIRE_FALSE(threw);
        REQUIRE(loaded == bytes);
      } else {
        REQUIRE(threw);
      }
    }
  }
  CHECK(points > 20);
  for (const auto& [what, count] : exercised) std::printf("io faults: %-40s %d\n", what.c_str(), count);
}
