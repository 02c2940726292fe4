#pragma once
// Not public. The unit pass in AVX-512, for the usual case: every row counts but for a missing score,
// and the scale fits 0-15, so a score byte indexes a 16-byte table. The caller checks both and
// vector_passes() before calling. Plain data in and out: the source is compiled for AVX-512 and must
// not instantiate templates that other sources share.
#include <array>
#include <cstddef>
#include <cstdint>

namespace rapport::score::detail {

/// Per-unit integer sums of a unit pass.
struct UnitSums {
  std::uint64_t n = 0, sum = 0, sumsq = 0, promoters = 0, detractors = 0;
};

/// By score byte 0-15: the value, its square, and 1 for a promoter or a detractor.
struct ScoreTables {
  std::array<std::uint8_t, 16> value{}, square{}, promoter{}, detractor{};
};

/// True when the CPU has AVX-512 (F and BW) and set_vector_passes(false) was not called.
bool vector_passes();
/// For tests: switches the vector passes off (or back on, where the CPU has them).
void set_vector_passes(bool on);

/// Adds rows [0, rows) of the clustered part (`rel` ascending) to `sums` by target[rel] (none32: a
/// removed relationship, skipped), and sets had[r] to 1 when relationship r has a row with a score
/// (0 otherwise; had[r] of relationships without rows is left alone). segment_end[r] is the first
/// relationship id after r whose target differs: rows of the same unit are found by comparing with
/// it, not by looking up every row's target. Scores are 0xFF (missing) or within the tables.
void unit_pass_avx512(const std::uint32_t* rel, const std::uint8_t* score, std::size_t rows,
                      const std::uint32_t* target, const std::uint32_t* segment_end, const ScoreTables& tables,
                      UnitSums* sums, std::uint8_t* had);

}  // namespace rapport::score::detail
