#pragma once
/// \file Saving and loading an Organisation as one self-checking archive file.
///
/// An archive is a 40-byte envelope (magic, format version, byte-order and width marker, payload
/// length, CRC-32C of the payload and of the header) followed by the payload. Every check of the
/// envelope is made before a byte of the payload is decoded; docs/file-format.md describes both.
/// Loading returns a complete Organisation or throws; it never yields a partial model.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "rapport/organisation.hpp"

namespace rapport {

/// The archive format this build writes; it reads every version up to this one.
inline constexpr std::uint32_t format_version = 1;

/// Writes `org` to `path` atomically: a temporary file in the same folder is written, synced and
/// renamed over `path`, then the folder is synced. On failure the temporary file is removed, `path`
/// is left as it was, and IoError (naming the file and the OS error) is thrown.
void save(const Organisation& org, const std::filesystem::path& path);

/// Writes `bytes` to `path` the way `save` writes an archive: atomically and durably, keeping a
/// replaced file's permissions; on failure `path` is left as it was and IoError is thrown. For the
/// other files written beside archives (exports, reports).
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

/// Reads an archive written by `save`. Throws IoError when the file cannot be read, FormatError
/// (codes not_an_archive, version_too_new or corrupt) when it cannot be trusted.
Organisation load(const std::filesystem::path& path);

/// The bytes `save` would write.
std::string save_to_bytes(const Organisation& org);

/// Reads the bytes of an archive; throws FormatError like `load`.
Organisation load_from_bytes(std::string_view bytes);

}  // namespace rapport
