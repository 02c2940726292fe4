#pragma once
// Not public. The batch scores' hot loops in AVX-512: the unit and year passes, for the usual case
// (every row counts but for a missing score, and the scale fits 0-15, so a score byte indexes a
// 16-byte table), and parts of finishing them (respondent counts, the statistics' divisions). The
// caller checks vector_passes() and the case; batch.cpp has the portable code, which gives the same
// results bit for bit (a test checks). Plain data in and out: the source is compiled for AVX-512
// and must not instantiate templates that other sources share.
#include <array>
#include <cstddef>
#include <cstdint>

namespace rapport::score::detail {

/// The unit partial's columns, by unit id, that the vector unit pass adds to; with `respondents`,
/// the pass counts them instead of marking relationships.
struct UnitColumns {
  std::int64_t *n, *sum, *sumsq, *promoters, *detractors, *respondents = nullptr;
};

/// By score byte 0-15: the value, its square, and 1 for a promoter or a detractor.
struct ScoreTables {
  std::array<std::uint8_t, 16> value{}, square{}, promoter{}, detractor{};
};

/// Operands and results of the divisions and roots of up to `size` groups' statistics (batch.cpp's
/// fill_statistics): n is 1 and ok is 0 for rows without data, ok is all ones otherwise.
struct StatisticsBlock {
  static constexpr std::size_t size = 256;
  alignas(64) double n[size], sum[size], num[size], net[size], loud[size];
  alignas(64) std::int64_t ok[size];
  alignas(64) double mean[size], sd[size], normalised[size], score[size], se[size];
};

/// A unit partial's columns and the statuses finish_units gave them, by unit id.
struct UnitStatisticsIn {
  const std::uint8_t* status;
  const std::int64_t *n, *sum, *sumsq, *promoters, *passives, *detractors;
};
/// The statistic columns of finish_units (the NPS ones only with `nps`).
struct UnitStatisticsOut {
  double *mean, *sd, *normalised, *nps, *nps_se;
  std::int64_t *promoters, *passives, *detractors;
};

/// A year partial's columns and their respondents, and the year columns finish_years writes; by
/// unit * years + year.
struct YearRowsIn {
  const std::int64_t *n, *sum, *sumsq, *respondents;
};
struct YearRowsOut {
  std::uint32_t* unit;
  std::int32_t* year;
  std::uint8_t *status, *change_status, *has_se;
  double *mean, *sd, *delta, *delta_se;
};

/// When the vector code runs, where the CPU has AVX-512 F, BW, DQ and VPOPCNTDQ (Ice Lake, Zen 4
/// and later): never, in the cases it is faster for (the default), or in every case it handles. The
/// last two differ only for the passes, which the callers skip when units' runs of relationship ids
/// are short.
enum class VectorMode { off, automatic, always };
/// For tests.
void set_vector_mode(VectorMode mode);
VectorMode vector_mode();
/// True when the CPU has AVX-512 and the mode is not off.
bool vector_passes();
/// True when the CPU has AVX-512 and the mode is always.
bool vector_passes_always();

/// Adds rows [0, rows) of the clustered part (`rel` ascending) to `sums` by target[rel] (none32: a
/// removed relationship, skipped), and sets had[r] to 1 when relationship r has a row with a score
/// (0 otherwise; had[r] of relationships without rows is left alone). segment_end[r] is the first
/// relationship id after r whose target differs: rows of the same unit are found by comparing with
/// it, not by looking up every row's target. Scores are 0xFF (missing) or within the tables. With
/// sums.respondents, `had` is not used: each unit adds the number of its relationships with a row
/// with a score (every relationship's rows are in [0, rows), once).
void unit_pass_avx512(const std::uint32_t* rel, const std::uint8_t* score, std::size_t rows,
                      const std::uint32_t* target, const std::uint32_t* segment_end, const ScoreTables& tables,
                      const UnitColumns& sums, std::uint8_t* had);

/// The year partial's columns, by unit * years + year; with `respondents`, the pass counts them
/// instead of marking relationships.
struct YearCells {
  std::int64_t *n, *sum, *sumsq, *respondents = nullptr;
};

/// The year pass, for 1-8 years: as the unit pass, with each row's sums in its year's cell (dates
/// in [year_starts[y], year_starts[y + 1]) are year y; others count nowhere) and had[r] set to the
/// bit set of the years in which relationship r has a row with a score. Sums only n, value and square.
/// With cells.respondents, `had` is not used: each cell adds the number of the unit's relationships
/// with a row with a score in its year (every relationship's rows are in [0, rows), once).
void year_pass_avx512(const std::uint32_t* rel, const std::uint8_t* score, const std::int32_t* date, std::size_t rows,
                      const std::uint32_t* target, const std::uint32_t* segment_end, const ScoreTables& tables,
                      const std::int32_t* year_starts, int years, const YearCells& cells, std::uint32_t* had);

/// A table's columns that latest_blocks_avx512 reads, and the latest columns it writes by relationship
/// (`guide` and out.guide are null when every guide has the same scale).
struct LatestIn {
  const std::uint32_t *rel, *id, *guide;
  const std::int32_t* date;
  const std::uint8_t* score;
};
struct LatestOut {
  std::uint32_t *id, *guide;
  std::int32_t* date;
  std::uint8_t* score;
};

/// The latest pass over whole blocks of 64 rows of the clustered part [0, rows), when every row
/// with a score counts: stores each candidate row (one with a score that ends its run, or whose next
/// row has none) into its relationship's entries, so that the last one stored is the run's latest.
/// Returns where it stopped (a multiple of 64, leaving at least one row), for the caller to go on.
std::size_t latest_blocks_avx512(const LatestIn& in, std::size_t rows, const LatestOut& out);

/// The latest columns that latest_finish_avx512 completes.
struct LatestFinish {
  std::uint32_t *relationship, *id;
  std::uint8_t *status, *score;
  std::int32_t* date;
  double* normalised;
};

/// Completes the latest columns of relationships [0, end), end the multiple of 16 it returns (at most
/// `relationships`), when every bond counts and all guides share one scale within 0-15:
/// relationship[r] = r; where id[r] is none32, status no_data and zero date and score; elsewhere
/// status ok and normalised = normalised16[score].
std::size_t latest_finish_avx512(std::size_t relationships, const double* normalised16, const LatestFinish& out);

/// Sets counts[u], for each of `units` units, to the number of its relationships whose mark has bit 0
/// set: those of unit u are members[offsets[u] .. offsets[u + 1]) (BatchIndex::provided_members).
void count_marks_avx512(const std::uint8_t* marks, const std::uint32_t* offsets, const std::uint32_t* members,
                        std::uint32_t units, std::int64_t* counts);

/// mean = sum / n, sd = sqrt(num / (n n)), normalised = (mean - lo) / range * 100 where ok; with
/// `nps`, score = 100 net / n and se = 100 sqrt(max(loud / n - (net / n)^2, 0) / n); for rows
/// [0, m rounded up to 8). The same operations as the portable loop, so the same IEEE results.
void statistics_avx512(StatisticsBlock& b, std::size_t m, double lo, double range, bool nps);

/// fill_statistics for finish_units, eight units at a time, operands gathered in vector registers
/// too: every row of `out` is written, zeros where the status is not ok. The same operations as the
/// portable code (variance numerators exact in 64-bit or 128-bit integers), so the same results.
void unit_statistics_avx512(const UnitStatisticsIn& in, std::size_t rows, double lo, double range, bool nps,
                            const UnitStatisticsOut& out);

/// finish_years' rows, eight at a time, each row's previous year taken from the lane before: the
/// same statuses, operations and results as the portable loop. min_group: the privacy minimum.
void year_rows_avx512(const YearRowsIn& in, std::size_t units, int years, int first_year, std::int64_t min_group,
                      const YearRowsOut& out);

/// The same for bit sets of `slots` slots (at most 32): sets counts[u * slots + y] to the number of
/// u's relationships whose mark has bit y set.
void count_slot_marks_avx512(const std::uint32_t* marks, const std::uint32_t* offsets, const std::uint32_t* members,
                             std::uint32_t units, int slots, std::int64_t* counts);

}  // namespace rapport::score::detail
