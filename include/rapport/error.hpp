#pragma once
/// \file Errors of the core: one small hierarchy, each with a stable code.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace rapport {

/// Stable error codes; the values are part of the C ABI and are never renumbered.
enum class ErrorCode : std::int32_t {
  invalid_argument = 1,  ///< a value out of its range or an inconsistent record
  not_found = 2,         ///< an unknown id or key
  duplicate = 3,         ///< an id, key or relationship that already exists
  conflict = 4,          ///< the change would break the model (a cycle, dependants left)
  io = 5,                ///< the operating system refused a file operation
  corrupt = 6,           ///< an archive that fails its checks
  version_too_new = 7,   ///< an archive written by a newer rapport
  not_an_archive = 8,    ///< a file that is not a rapport archive at all
  no_data = 9,           ///< a score asked of an empty set
  suppressed = 10,       ///< a value withheld to protect individuals
};

/// Base of every exception rapport throws.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& what) : std::runtime_error(what), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

/// A change or argument the model rejects (invalid, duplicate, conflict).
class ValidationError : public Error {
 public:
  explicit ValidationError(const std::string& what, ErrorCode code = ErrorCode::invalid_argument)
      : Error(code, what) {}
};

/// An id or key that names nothing.
class NotFoundError : public Error {
 public:
  explicit NotFoundError(const std::string& what) : Error(ErrorCode::not_found, what) {}
};

/// A file operation the operating system refused.
class IoError : public Error {
 public:
  explicit IoError(const std::string& what) : Error(ErrorCode::io, what) {}
};

/// An archive that cannot be trusted: damaged, truncated, foreign or too new.
class FormatError : public Error {
 public:
  explicit FormatError(const std::string& what, ErrorCode code = ErrorCode::corrupt)
      : Error(code, what) {}
};

}  // namespace rapport
