#include "file_ops.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

namespace rapport::detail {
namespace {
int open_(const char* path, int flags, mode_t mode) { return ::open(path, flags, mode); }
ssize_t pread_(int fd, void* buf, std::size_t n, off_t offset) { return ::pread(fd, buf, n, offset); }
ssize_t write_(int fd, const void* buf, std::size_t n) { return ::write(fd, buf, n); }
ssize_t pwrite_(int fd, const void* buf, std::size_t n, off_t offset) { return ::pwrite(fd, buf, n, offset); }
int fstat_(int fd, struct stat* st) { return ::fstat(fd, st); }
int stat_(const char* path, struct stat* st) { return ::stat(path, st); }
int fsync_(int fd) { return ::fsync(fd); }
int close_(int fd) { return ::close(fd); }
int rename_(const char* from, const char* to) { return ::rename(from, to); }
int unlink_(const char* path) { return ::unlink(path); }
}  // namespace

FileOps default_file_ops() {
  return {open_, pread_, write_, pwrite_, fstat_, stat_, fsync_, close_, rename_, unlink_};
}

FileOps& file_ops() {
  static FileOps ops = default_file_ops();
  return ops;
}

}  // namespace rapport::detail
