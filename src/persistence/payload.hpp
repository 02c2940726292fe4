#pragma once
/// \file Not public. The payload of an archive: the Organisation's stored members, encoded with
/// Boost.Serialization (payload.cpp, the only translation unit that includes Boost).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rapport/organisation.hpp"

namespace rapport::detail {

/// Receives the payload as it is produced: small items gathered, large columns passed through whole.
class PayloadSink {
 public:
  virtual void write(const char* data, std::size_t n) = 0;

 protected:
  ~PayloadSink() = default;
};

/// Encodes `org`, whose conversation table must be compact, into `sink`.
void write_payload(const Organisation& org, PayloadSink& sink);

/// Hands out the payload's bytes in order.
class PayloadSource {
 public:
  /// Copies the next `n` bytes to `out`, or fewer where the bytes end.
  virtual std::size_t read(char* out, std::size_t n) = 0;

 protected:
  ~PayloadSource() = default;
};

/// Decodes a payload of `length` bytes whose envelope has been verified into `org` (a fresh
/// Organisation), and returns the stored conversation id bound for `Access::finish_load`. Small items
/// come through a buffer, large blocks (whole columns) straight from the source into their memory.
/// Throws FormatError (corrupt) on anything the encoding does not allow; `org` is then unusable.
std::uint32_t read_payload(PayloadSource& source, std::uint64_t length, Organisation& org);

/// The Boost archive library version this build writes and reads (18 for Boost 1.74).
unsigned boost_archive_version();

}  // namespace rapport::detail
