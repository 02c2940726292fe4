#pragma once
/// \file Not public. The file layer under save and load: the POSIX calls they make, as a table of
/// function pointers, so that tests can inject failures (a full disk, a failing fsync or rename).
#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>

namespace rapport::detail {

struct FileOps {
  int (*open)(const char* path, int flags, mode_t mode);
  ssize_t (*pread)(int fd, void* buf, std::size_t n, off_t offset);
  ssize_t (*write)(int fd, const void* buf, std::size_t n);
  ssize_t (*pwrite)(int fd, const void* buf, std::size_t n, off_t offset);
  int (*fstat)(int fd, struct stat* st);
  int (*stat)(const char* path, struct stat* st);
  int (*fsync)(int fd);
  int (*close)(int fd);
  int (*rename)(const char* from, const char* to);
  int (*unlink)(const char* path);
};

/// The plain POSIX functions.
FileOps default_file_ops();

/// The table save and load use; process-wide, initially `default_file_ops()`. Not thread-safe to
/// change while a save or load runs: meant for tests.
FileOps& file_ops();

}  // namespace rapport::detail
