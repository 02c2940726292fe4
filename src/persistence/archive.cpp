// The archive envelope and the file handling around the payload: atomic saves, whole-file loads, and
// every check that can be made before the payload is decoded. docs/file-format.md describes the bytes.
#include "rapport/archive.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "crc32c.hpp"
#include "file_ops.hpp"
#include "payload.hpp"
#include "rapport/detail/access.hpp"
#include "rapport/error.hpp"

namespace rapport {
namespace {

using detail::crc32c;
using detail::file_ops;

// --- the envelope ----------------------------------------------------------------------------------
//
//  0  magic            8 bytes  "\x89RAPPORT"
//  8  format version   u32 LE
// 12  byte-order mark  u32 0x01020304 in the byte order of the payload (the writer's)
// 16  widths           4 bytes  sizeof(size_t), sizeof(long), sizeof(int), sizeof(bool) of the writer
// 20  boost version    u32 LE   Boost archive library version of the writer (18 = Boost 1.74)
// 24  payload length   u64 LE
// 32  payload CRC-32C  u32 LE
// 36  header CRC-32C   u32 LE   of bytes 0..35
// 40  payload
constexpr std::size_t header_size = 40;
constexpr char magic[8] = {'\x89', 'R', 'A', 'P', 'P', 'O', 'R', 'T'};
constexpr std::uint32_t byte_order_mark = 0x01020304u;
constexpr std::uint8_t widths[4] = {sizeof(std::size_t), sizeof(long), sizeof(int), sizeof(bool)};
constexpr std::uint32_t oldest_boost_version = 18;

void put_le(char* p, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = char((v >> (8 * i)) & 0xFF);
}
std::uint64_t get_le(const char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= std::uint64_t(std::uint8_t(p[i])) << (8 * i);
  return v;
}
std::string hex(std::uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}

std::array<char, header_size> make_header(std::uint64_t payload_length, std::uint32_t payload_crc) {
  std::array<char, header_size> h{};
  std::memcpy(h.data(), magic, 8);
  put_le(h.data() + 8, format_version, 4);
  std::memcpy(h.data() + 12, &byte_order_mark, 4);
  std::memcpy(h.data() + 16, widths, 4);
  put_le(h.data() + 20, detail::boost_archive_version(), 4);
  put_le(h.data() + 24, payload_length, 8);
  put_le(h.data() + 32, payload_crc, 4);
  put_le(h.data() + 36, crc32c(0, h.data(), 36), 4);
  return h;
}

[[noreturn]] void not_ours(const std::string& what) {
  throw FormatError("not a rapport archive: " + what, ErrorCode::not_an_archive);
}
[[noreturn]] void corrupt(const std::string& what) { throw FormatError("archive corrupt: " + what); }

/// What the header promises of the payload.
struct Envelope {
  std::uint64_t length;
  std::uint32_t crc;
};

/// Checks everything the envelope promises but the payload's checksum, in an order that gives the
/// most telling message. `start` holds the file's first bytes (up to the header's size), `have` the
/// number of bytes after the header. Nothing of the payload is interpreted here.
Envelope check_envelope(std::string_view start, std::uint64_t have) {
  if (start.empty()) not_ours("the file is empty");
  if (std::memcmp(start.data(), magic, std::min(start.size(), sizeof magic)) != 0) not_ours("wrong magic bytes");
  if (start.size() < header_size)
    not_ours(std::to_string(start.size()) + " bytes are too short to hold the " + std::to_string(header_size) +
             "-byte header");
  const char* h = start.data();
  // The version comes first: a later format may change everything after it.
  const auto version = std::uint32_t(get_le(h + 8, 4));
  if (version == 0) corrupt("format version 0 does not exist");
  if (version > format_version)
    throw FormatError("archive format version " + std::to_string(version) +
                          " is newer than this build reads (up to " + std::to_string(format_version) + ")",
                      ErrorCode::version_too_new);
  const auto header_crc = std::uint32_t(get_le(h + 36, 4));
  if (const auto c = crc32c(0, h, 36); c != header_crc)
    corrupt("header checksum mismatch (stored " + hex(header_crc) + ", computed " + hex(c) + ")");
  std::uint32_t mark;
  std::memcpy(&mark, h + 12, 4);
  if (mark == 0x04030201u) corrupt("written on a machine of the other byte order");
  if (mark != byte_order_mark) corrupt("byte-order mark " + hex(mark) + " is not " + hex(byte_order_mark));
  if (std::memcmp(h + 16, widths, 4) != 0) {
    auto list = [](const std::uint8_t* w) {
      return std::to_string(w[0]) + "/" + std::to_string(w[1]) + "/" + std::to_string(w[2]) + "/" + std::to_string(w[3]);
    };
    corrupt("written where size_t/long/int/bool take " + list(reinterpret_cast<const std::uint8_t*>(h + 16)) +
            " bytes, here they take " + list(widths));
  }
  const auto boost_version = std::uint32_t(get_le(h + 20, 4));
  if (boost_version > detail::boost_archive_version())
    throw FormatError("archive written with Boost archive library version " + std::to_string(boost_version) +
                          ", this build reads up to " + std::to_string(detail::boost_archive_version()),
                      ErrorCode::version_too_new);
  if (boost_version < oldest_boost_version)
    corrupt("Boost archive library version " + std::to_string(boost_version) + " was never written by rapport");
  const std::uint64_t length = get_le(h + 24, 8);
  if (length > have)
    throw FormatError("archive truncated: header says " + std::to_string(length) + " payload bytes, file has " +
            std::to_string(have));
  if (length < have)
    corrupt("junk after the payload: header says " + std::to_string(length) + " payload bytes, file has " +
            std::to_string(have));
  return {length, std::uint32_t(get_le(h + 32, 4))};
}

void check_payload_crc(const Envelope& e, std::uint32_t computed) {
  if (computed != e.crc) corrupt("payload checksum mismatch (stored " + hex(e.crc) + ", computed " + hex(computed) + ")");
}

/// Decodes a verified payload into a fresh Organisation and checks it as the mutators would have.
/// `changed()` tells, once the payload is decoded, whether the bytes decoded differ from those verified.
template <class Changed>
Organisation decode(detail::PayloadSource& source, const Envelope& e, Changed changed) {
  Organisation org;
  const std::uint32_t id_slots = detail::read_payload(source, e.length, org);
  if (changed()) corrupt("the file changed while it was being loaded");
  // A bad_alloc is not caught: every count was bounded by the bytes present, so running out of memory
  // here means the machine is short of it, and the caller must hear that rather than "corrupt".
  try {
    detail::Access::finish_load(org, id_slots);
  } catch (const std::length_error& e) {
    corrupt(std::string("a record has an impossible length (") + e.what() + ")");
  }
  return org;
}

class SpanSource final : public detail::PayloadSource {
 public:
  explicit SpanSource(std::string_view bytes) : rest_(bytes) {}
  std::size_t read(char* out, std::size_t n) override {
    n = std::min(n, rest_.size());
    std::memcpy(out, rest_.data(), n);
    rest_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view rest_;
};

/// Calls `f` with the organisation as files store it: with a compact conversation table.
template <class F>
void with_compact(const Organisation& org, F&& f) {
  if (org.conversations().compact()) {
    f(org);
  } else {
    const Organisation copy = detail::Access::compacted(org);
    f(copy);
  }
}

class StringSink final : public detail::PayloadSink {
 public:
  explicit StringSink(std::string& out) : out_(out) {}
  void write(const char* data, std::size_t n) override {
    crc_ = crc32c(crc_, data, n);
    out_.append(data, n);
  }
  std::uint32_t crc() const { return crc_; }

 private:
  std::string& out_;
  std::uint32_t crc_ = 0;
};

// --- files -----------------------------------------------------------------------------------------

std::string os_error(int err) { return std::strerror(err); }

[[noreturn]] void io_failure(const std::string& what, const std::string& path, int err) {
  throw IoError(what + " '" + path + "': " + os_error(err));
}

/// Bytes checksummed and then copied to or from the kernel while they are still in the CPU's cache.
constexpr std::size_t piece = std::size_t(256) << 10;

/// A file that replaces `path` atomically and durably: written to a temporary file beside it (with the
/// replaced file's permissions: archives hold personal data and may be private), synced, renamed over
/// `path`, then the folder synced. Until commit() has renamed it, `path` is untouched; on any failure
/// before that the temporary file is removed.
class ReplacingFile {
 public:
  explicit ReplacingFile(const std::filesystem::path& path)
      : target_(path.string()), dir_(path.has_parent_path() ? path.parent_path() : std::filesystem::path(".")) {
    auto& ops = file_ops();
    // When the file is there but cannot be inspected, the default mode could widen a private file's
    // permissions: refuse instead.
    mode_t mode = 0666;
    if (struct stat st; ops.stat(target_.c_str(), &st) == 0) {
      if (S_ISREG(st.st_mode)) mode = st.st_mode & 07777;
    } else if (errno != ENOENT) {
      io_failure("cannot inspect the file to be replaced,", target_, errno);
    }
    for (int attempt = 0;; ++attempt) {
      temp_ = temp_name(path);
      fd_ = ops.open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
      if (fd_ >= 0) break;
      if (errno == EEXIST && attempt < 100) continue;
      temp_.clear();
      io_failure("cannot create a temporary file next to", target_, errno);
    }
  }
  ReplacingFile(const ReplacingFile&) = delete;
  ReplacingFile& operator=(const ReplacingFile&) = delete;
  ~ReplacingFile() {
    if (fd_ >= 0) file_ops().close(fd_);
    if (!temp_.empty()) file_ops().unlink(temp_.c_str());
  }

  /// Appends all of [data, data + n), resuming after interruptions and short writes.
  void write(const char* data, std::size_t n) {
    while (n > 0) {
      const ssize_t k = file_ops().write(fd_, data, std::min<std::size_t>(n, std::size_t(1) << 30));
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) io_failure("cannot write the temporary file for", target_, k < 0 ? errno : EIO);
      data += k;
      n -= std::size_t(k);
      written_ += std::uint64_t(k);
    }
#ifdef SYNC_FILE_RANGE_WRITE
    // Start writing to the disk while the rest is still being produced, so that commit()'s fsync
    // waits for the tail only. Advice: a failure here is met again by the fsync.
    if (written_ - started_ >= start_every) {
      ::sync_file_range(fd_, off_t(started_), off_t(written_ - started_), SYNC_FILE_RANGE_WRITE);
      started_ = written_;
    }
#endif
  }
  /// Overwrites bytes already written, at `offset`.
  void write_at(const char* data, std::size_t n, off_t offset) {
    for (std::size_t done = 0; done < n;) {
      const ssize_t k = file_ops().pwrite(fd_, data + done, n - done, offset + off_t(done));
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) io_failure("cannot write the temporary file for", target_, k < 0 ? errno : EIO);
      done += std::size_t(k);
    }
  }
  void commit() {
    auto& ops = file_ops();
    if (ops.fsync(fd_) != 0) io_failure("cannot sync the temporary file for", target_, errno);
    const int fd = fd_;
    fd_ = -1;
    if (ops.close(fd) != 0) io_failure("cannot close the temporary file for", target_, errno);
    if (ops.rename(temp_.c_str(), target_.c_str()) != 0)
      io_failure("cannot rename the temporary file '" + temp_ + "' to", target_, errno);
    temp_.clear();
    // Make the rename itself durable. Some file systems cannot sync a folder (EINVAL): nothing to do there.
    const int dfd = ops.open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (dfd < 0) io_failure("saved '" + target_ + "', but cannot open its folder to sync it:", dir_.string(), errno);
    if (ops.fsync(dfd) != 0 && errno != EINVAL) {
      const int err = errno;
      ops.close(dfd);
      io_failure("saved '" + target_ + "', but cannot sync its folder", dir_.string(), err);
    }
    ops.close(dfd);
  }

 private:
  static std::string temp_name(const std::filesystem::path& target) {
    static std::atomic<unsigned> counter{0};
    const auto tick = std::uint64_t(std::chrono::steady_clock::now().time_since_epoch().count());
    char suffix[64];
    std::snprintf(suffix, sizeof suffix, ".tmp-%ld-%u-%llx", long(::getpid()), counter.fetch_add(1),
                  static_cast<unsigned long long>(tick & 0xFFFFFFFFFFull));
    return (target.parent_path() / ("." + target.filename().string() + suffix)).string();
  }
  std::string target_;
  std::filesystem::path dir_;
  std::string temp_;  ///< empty once renamed (or never created)
  int fd_ = -1;
  static constexpr std::uint64_t start_every = std::uint64_t(8) << 20;
  std::uint64_t written_ = 0, started_ = 0;  ///< bytes appended; bytes whose writeback was started
};

class FileSink final : public detail::PayloadSink {
 public:
  explicit FileSink(ReplacingFile& file) : file_(file) {}
  void write(const char* data, std::size_t n) override {
    // Checksum and write piece by piece, so that the kernel copies each piece from cache, not memory.
    length_ += n;
    while (n > 0) {
      const std::size_t k = std::min(n, piece);
      crc_ = crc32c(crc_, data, k);
      file_.write(data, k);
      data += k;
      n -= k;
    }
  }
  std::uint32_t crc() const { return crc_; }
  std::uint64_t length() const { return length_; }

 private:
  ReplacingFile& file_;
  std::uint32_t crc_ = 0;
  std::uint64_t length_ = 0;
};

/// Reads a file from an offset on, piece by piece, with the checksum of every byte handed out.
class FileSource final : public detail::PayloadSource {
 public:
  FileSource(int fd, const std::string& name, off_t offset) : fd_(fd), name_(name), offset_(offset) {}
  std::size_t read(char* out, std::size_t n) override {
    std::size_t done = 0;
    while (done < n) {
      // Checksummed right after it arrives, while it is still in the CPU's cache.
      const ssize_t k = file_ops().pread(fd_, out + done, std::min(n - done, piece), offset_);
      if (k < 0 && errno == EINTR) continue;
      if (k < 0) io_failure("cannot read", name_, errno);
      if (k == 0) break;  // the file ends (or shrank meanwhile): the caller sees the shortfall
      crc_ = crc32c(crc_, out + done, std::size_t(k));
      offset_ += k;
      done += std::size_t(k);
    }
    return done;
  }
  std::uint32_t crc() const { return crc_; }

 private:
  int fd_;
  const std::string& name_;
  off_t offset_;
  std::uint32_t crc_ = 0;
};

}  // namespace

std::string save_to_bytes(const Organisation& org) {
  std::string out(header_size, '\0');
  std::uint32_t crc = 0;
  with_compact(org, [&](const Organisation& o) {
    StringSink sink(out);
    detail::write_payload(o, sink);
    crc = sink.crc();
  });
  const auto h = make_header(out.size() - header_size, crc);
  std::memcpy(out.data(), h.data(), header_size);
  return out;
}

Organisation load_from_bytes(std::string_view bytes) {
  const std::string_view start = bytes.substr(0, std::min(bytes.size(), header_size));
  const Envelope e = check_envelope(start, bytes.size() - start.size());
  const std::string_view payload = bytes.substr(start.size());
  check_payload_crc(e, crc32c(0, payload.data(), payload.size()));
  SpanSource source(payload);
  return decode(source, e, [] { return false; });
}

void save(const Organisation& org, const std::filesystem::path& path) {
  ReplacingFile file(path);
  // The header goes in last, once length and checksum are known; the payload streams straight to the
  // file, whole columns without a copy.
  const std::array<char, header_size> placeholder{};
  file.write(placeholder.data(), header_size);
  std::uint64_t length = 0;
  std::uint32_t crc = 0;
  with_compact(org, [&](const Organisation& o) {
    FileSink sink(file);
    detail::write_payload(o, sink);
    length = sink.length();
    crc = sink.crc();
  });
  const auto header = make_header(length, crc);
  file.write_at(header.data(), header_size, 0);
  file.commit();
}

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  ReplacingFile file(path);
  file.write(bytes.data(), bytes.size());
  file.commit();
}

Organisation load(const std::filesystem::path& path) {
  const std::string name = path.string();
  auto& ops = file_ops();
  const int fd = ops.open(name.c_str(), O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) io_failure("cannot open", name, errno);
  struct Closer {
    int fd;
    ~Closer() { file_ops().close(fd); }
  } closer{fd};
  struct stat st;
  if (ops.fstat(fd, &st) != 0) io_failure("cannot stat", name, errno);
  if (S_ISDIR(st.st_mode)) io_failure("cannot load", name, EISDIR);
  try {
    // Every byte is read and checksummed before any is decoded: the header, then the payload through
    // a buffer that stays in cache.
    std::array<char, header_size> header{};
    FileSource header_pass(fd, name, 0);
    const std::size_t start = header_pass.read(header.data(), header_size);
    FileSource payload_pass(fd, name, off_t(start));
    std::vector<char> buffer(piece);
    std::uint64_t have = 0;
    while (const std::size_t k = payload_pass.read(buffer.data(), buffer.size())) have += k;
    const Envelope e = check_envelope(std::string_view(header.data(), start), have);
    check_payload_crc(e, payload_pass.crc());
    // Then the payload is decoded from the file again, the columns read straight into their memory
    // (one copy, as a plain read makes) and checksummed once more: a file changed in between is
    // refused, though the decoder is safe on any bytes.
    FileSource decode_pass(fd, name, off_t(header_size));
    return decode(decode_pass, e, [&] { return decode_pass.crc() != e.crc; });
  } catch (const FormatError& e) {
    throw FormatError("'" + name + "': " + e.what(), e.code());
  }
}

}  // namespace rapport
