#pragma once
/// \file Not public. CRC-32C (Castagnoli), the checksum of the archive envelope.
#include <cstddef>
#include <cstdint>

namespace rapport::detail {

/// Extends `crc` (0 to start) over `n` bytes: crc32c(crc32c(0, a), b) == crc32c(0, a + b).
/// Uses the SSE4.2 crc32 instruction, three streams interleaved, when the CPU has it.
std::uint32_t crc32c(std::uint32_t crc, const void* data, std::size_t n) noexcept;

/// The same function, table-driven (slice-by-8) on every CPU; the reference for tests.
std::uint32_t crc32c_portable(std::uint32_t crc, const void* data, std::size_t n) noexcept;

}  // namespace rapport::detail
