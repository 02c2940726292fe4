// The batch scores' hot loops in AVX-512 (vector_pass.hpp).
//
// The portable pass (batch.cpp) does a little work per row and more per run: a difference of running
// sums, an update of the unit's sums and a mark per relationship, about 25 instructions for each of
// the 1.25M runs of the benchmark. Here rows go 64 at a time and nothing is done per run but one
// mark:
// - run ends and counted rows are bit masks (relationship lanes compared with their next row's, score
//   bytes with 0xFF);
// - whether a run had a counted row by its end is a segmented OR over those masks, done by one
//   64-bit addition whose carries run along each run;
// - the run-end lanes, each with that bit, are compressed into a buffer, emptied into `had` in one
//   loop every few thousand runs;
// - a unit's rows are consecutive, and end at the first row whose relationship reaches the unit's
//   segment end: one comparison for a whole block, usually. Its sums are table lookups by score byte
//   (vpshufb) added by psadbw into 64-bit lanes, reduced when the unit ends.
// The year pass does the same per year, a row's year coming from date comparisons; its counts keep
// one 64-bit lane per year (vpopcntq), since its time goes to the vector ports. Both read the
// columns with software prefetches: with the hardware prefetcher alone, the unit pass spent half its
// time waiting for the relationship column.
#include "vector_pass.hpp"

#include <atomic>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define RAPPORT_HAVE_AVX512_PASS 1
#endif

namespace rapport::score::detail {

namespace {
bool cpu_has_avx512() {
#if defined(RAPPORT_HAVE_AVX512_PASS)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vpopcntdq");
#else
  return false;
#endif
}
const bool have_avx512 = cpu_has_avx512();
std::atomic<VectorMode> mode{VectorMode::automatic};
}  // namespace

void set_vector_mode(VectorMode m) { mode.store(m, std::memory_order_relaxed); }
VectorMode vector_mode() { return mode.load(std::memory_order_relaxed); }
bool vector_passes() { return have_avx512 && mode.load(std::memory_order_relaxed) != VectorMode::off; }
bool vector_passes_always() { return have_avx512 && mode.load(std::memory_order_relaxed) == VectorMode::always; }

#if defined(RAPPORT_HAVE_AVX512_PASS)
// Everything below is compiled for AVX-512 and runs only after vector_passes(); it uses no templates
// that another source could instantiate without the target.
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vpopcntdq,popcnt")
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // in GCC 12's own intrinsics (an undefined
#pragma GCC diagnostic ignored "-Wuninitialized"       // first operand, on purpose)

namespace {

constexpr std::uint32_t none32 = 0xFFFFFFFFu;
constexpr std::size_t mark_buffer = 4096;  // run-end marks held before they are written to `had`

inline __m512i broadcast16(const void* table) {
  return _mm512_broadcast_i32x4(_mm_loadu_si128(static_cast<const __m128i*>(table)));
}

inline std::uint64_t popcount(std::uint64_t x) { return std::uint64_t(__builtin_popcountll(x)); }

/// The sums of the eight lanes of a, b, c and d, in that order: one reduction tree for the four.
inline __m256i sum4(__m512i a, __m512i b, __m512i c, __m512i d) {
  // Per 128-bit lane: (a's pair sum, b's pair sum) and (c's, d's).
  const __m512i ab = _mm512_add_epi64(_mm512_unpacklo_epi64(a, b), _mm512_unpackhi_epi64(a, b));
  const __m512i cd = _mm512_add_epi64(_mm512_unpacklo_epi64(c, d), _mm512_unpackhi_epi64(c, d));
  // 128-bit lanes (ab0 + ab1, ab2 + ab3, cd0 + cd1, cd2 + cd3).
  const __m512i s = _mm512_add_epi64(_mm512_shuffle_i64x2(ab, cd, 0x88), _mm512_shuffle_i64x2(ab, cd, 0xDD));
  // Lanes 0 and 2 take their neighbours: (a, b) and (c, d) sums, gathered into the low half.
  const __m512i t = _mm512_add_epi64(s, _mm512_shuffle_i64x2(s, s, 0xB1));
  return _mm512_castsi512_si256(_mm512_shuffle_i64x2(t, t, 0x08));
}

/// Four 16-lane masks as one 64-bit mask, joined in mask registers.
inline std::uint64_t join(__mmask16 k0, __mmask16 k1, __mmask16 k2, __mmask16 k3) {
  return _cvtmask64_u64(_mm512_kunpackd(_mm512_kunpackw(k3, k2), _mm512_kunpackw(k1, k0)));
}

/// Up to 64 rows of the clustered part: relationship lanes, score bytes (0xFF past the end), and as
/// bit masks the rows in the table, those that end a run and those that count.
struct Block {
  std::size_t first;
  __m512i rel[4], score;
  std::uint64_t in, ends, counted;
};

inline Block read_block(const std::uint32_t* rel, const std::uint8_t* score, std::size_t i, std::size_t rows) {
  const __m512i none = _mm512_set1_epi32(-1), missing = _mm512_set1_epi8(-1);
  Block b;
  b.first = i;
  b.ends = 0;
  if (i + 64 < rows) {  // plain loads but for the last block
    for (int q = 0; q < 4; ++q) _mm_prefetch(reinterpret_cast<const char*>(rel + i + 512 + 16 * q), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(score + i + 512), _MM_HINT_T0);
    b.in = ~std::uint64_t(0);
    __mmask16 e[4];
    for (int q = 0; q < 4; ++q) {
      b.rel[q] = _mm512_loadu_si512(rel + i + 16 * q);
      e[q] = _mm512_cmpneq_epu32_mask(b.rel[q], _mm512_loadu_si512(rel + i + 1 + 16 * q));
    }
    b.ends = join(e[0], e[1], e[2], e[3]);
    b.score = _mm512_loadu_si512(score + i);
  } else {
    const std::size_t valid = rows - i;
    b.in = valid == 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << valid) - 1;
    const std::uint64_t has_next = b.in >> 1;
    for (int q = 0; q < 4; ++q) {
      b.rel[q] = _mm512_mask_loadu_epi32(none, __mmask16(b.in >> (16 * q)), rel + i + 16 * q);
      const __m512i next = _mm512_mask_loadu_epi32(none, __mmask16(has_next >> (16 * q)), rel + i + 1 + 16 * q);
      b.ends |= std::uint64_t(_mm512_cmpneq_epu32_mask(b.rel[q], next)) << (16 * q);
    }
    b.score = _mm512_mask_loadu_epi8(missing, b.in, score + i);
  }
  b.counted = _mm512_cmpneq_epi8_mask(b.score, missing);
  return b;
}

/// Where runs start, block after block.
struct RunStarts {
  std::uint64_t carry = 1;  // row 0 starts a run
  std::uint64_t operator()(std::uint64_t ends) {
    const std::uint64_t starts = ends << 1 | carry;
    carry = ends >> 63;
    return starts;
  }
};

/// Bit k: a row of `generate` in row k's run, up to row k. The recurrence had[k] = generate[k] |
/// (!start[k] & had[k - 1]) is a carry chain (propagate = not a start), so one 64-bit addition
/// computes it; `carry` takes it from one block to the next.
inline std::uint64_t segmented_or(std::uint64_t generate, std::uint64_t starts, unsigned char& carry) {
  const std::uint64_t a = generate | (~starts & ~generate);
  unsigned long long total;
  const unsigned char out = _addcarry_u64(carry, a, generate, &total);
  const std::uint64_t bits = (a ^ generate ^ total) >> 1 | std::uint64_t(out) << 63;
  carry = out;
  return bits;
}

/// Splits blocks at the ends of units. A unit's rows are consecutive and end at the first row whose
/// relationship reaches its segment end: one comparison for a whole block, usually.
struct UnitWalk {
  const std::uint32_t *rel, *target, *segment_end;
  std::uint32_t unit, limit;

  UnitWalk(const std::uint32_t* r, const std::uint32_t* t, const std::uint32_t* e)
      : rel(r), target(t), segment_end(e), unit(t[r[0]]), limit(e[r[0]]) {}

  /// Calls add(rows) for each part of the block in one unit, and flush(unit) when a unit ends.
  template <class Add, class Flush>
  void operator()(const Block& b, Add&& add, Flush&& flush) {
    const std::size_t last = b.first + 63 - std::size_t(__builtin_clzll(b.in));
    if (rel[last] < limit) {
      add(b.in);
      return;
    }
    std::uint64_t rest = b.in;
    for (;;) {
      const __m512i l = _mm512_set1_epi32(int(limit));
      const std::uint64_t beyond = join(_mm512_cmpge_epu32_mask(b.rel[0], l), _mm512_cmpge_epu32_mask(b.rel[1], l),
                    _mm512_cmpge_epu32_mask(b.rel[2], l), _mm512_cmpge_epu32_mask(b.rel[3], l)) & rest;
      if (!beyond) {
        add(rest);
        return;
      }
      const unsigned k = unsigned(__builtin_ctzll(beyond));
      const std::uint64_t before = rest & ((std::uint64_t(1) << k) - 1);
      if (before) add(before);
      flush(unit);
      const std::uint32_t rk = rel[b.first + k];
      unit = target[rk], limit = segment_end[rk];
      rest &= ~before;
    }
  }
};

}  // namespace

namespace {

template <bool Count>
void unit_pass(const std::uint32_t* rel, const std::uint8_t* score, std::size_t rows, const std::uint32_t* target,
               const std::uint32_t* segment_end, const ScoreTables& tables, const UnitColumns& sums,
               std::uint8_t* had) {
  const __m512i missing = _mm512_set1_epi8(-1), zero = _mm512_setzero_si512();
  const __m512i high_bit = _mm512_set1_epi32(int(0x80000000u));
  const __m512i t_value = broadcast16(&tables.value), t_square = broadcast16(&tables.square);
  const __m512i t_promoter = broadcast16(&tables.promoter), t_detractor = broadcast16(&tables.detractor);
  // The current unit's sums, in 64-bit lanes.
  __m512i value = zero, square = zero, promoter = zero, detractor = zero;
  std::uint64_t n = 0, ran = 0;  // with Count, ran: the unit's runs with a counted row
  // Marks: relationship id, with the top bit set when the run had a counted row.
  alignas(64) std::uint32_t marks[mark_buffer + 64];
  std::size_t marked = 0;
  auto write_marks = [&] {
    for (std::size_t k = 0; k < marked; ++k) had[marks[k] & 0x7FFFFFFFu] = std::uint8_t(marks[k] >> 31);
    marked = 0;
  };
  auto flush = [&](std::uint32_t unit) {
    if (unit != none32) {
      alignas(32) std::int64_t total[4];
      _mm256_store_si256(reinterpret_cast<__m256i*>(total), sum4(value, square, promoter, detractor));
      sums.n[unit] += std::int64_t(n), sums.sum[unit] += total[0], sums.sumsq[unit] += total[1];
      sums.promoters[unit] += total[2], sums.detractors[unit] += total[3];
      if constexpr (Count) sums.respondents[unit] += std::int64_t(ran);
    }
    value = square = promoter = detractor = zero, n = ran = 0;
  };
  UnitWalk walk(rel, target, segment_end);
  RunStarts run_starts;
  unsigned char had_carry = 0;
  for (std::size_t i = 0; i < rows; i += 64) {
    const Block b = read_block(rel, score, i, rows);
    const std::uint64_t had_bits = segmented_or(b.counted, run_starts(b.ends), had_carry);
    if constexpr (!Count) {
      for (int q = 0; q < 4; ++q) {
        const __mmask16 e = __mmask16(b.ends >> (16 * q));
        const __m512i v = _mm512_mask_or_epi32(b.rel[q], __mmask16(had_bits >> (16 * q)), b.rel[q], high_bit);
        _mm512_storeu_si512(marks + marked, _mm512_maskz_compress_epi32(e, v));
        marked += popcount(e);
      }
      if (marked >= mark_buffer) write_marks();
    }
    // Rows outside `part` become 0xFF, whose lookups give 0.
    walk(b, [&](std::uint64_t part) {
      const __m512i s = _mm512_mask_mov_epi8(missing, part, b.score);
      n += popcount(b.counted & part);
      if constexpr (Count) ran += popcount(b.ends & had_bits & part);
      value = _mm512_add_epi64(value, _mm512_sad_epu8(_mm512_shuffle_epi8(t_value, s), zero));
      square = _mm512_add_epi64(square, _mm512_sad_epu8(_mm512_shuffle_epi8(t_square, s), zero));
      promoter = _mm512_add_epi64(promoter, _mm512_sad_epu8(_mm512_shuffle_epi8(t_promoter, s), zero));
      detractor = _mm512_add_epi64(detractor, _mm512_sad_epu8(_mm512_shuffle_epi8(t_detractor, s), zero));
    }, flush);
  }
  flush(walk.unit);
  if constexpr (!Count) write_marks();
}

}  // namespace

void unit_pass_avx512(const std::uint32_t* rel, const std::uint8_t* score, std::size_t rows,
                      const std::uint32_t* target, const std::uint32_t* segment_end, const ScoreTables& tables,
                      const UnitColumns& sums, std::uint8_t* had) {
  if (rows == 0) return;
  if (sums.respondents)
    unit_pass<true>(rel, score, rows, target, segment_end, tables, sums, had);
  else
    unit_pass<false>(rel, score, rows, target, segment_end, tables, sums, had);
}

namespace {

/// The 32 days a - base, b - base as 16-bit lanes in order, saturated.
inline __m512i offsets16(__m512i a, __m512i b, __m512i base) {
  return _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtsepi32_epi16(_mm512_sub_epi32(a, base))),
                            _mm512_cvtsepi32_epi16(_mm512_sub_epi32(b, base)), 1);
}

/// The year pass for Y years: per year, the sums in 64-bit lanes and the run's year bit by
/// segmented_or; a row's year from Y + 1 date comparisons, 32 rows at a time.
template <int Y, bool Count>
void year_pass(const std::uint32_t* rel, const std::uint8_t* score, const std::int32_t* date, std::size_t rows,
               const std::uint32_t* target, const std::uint32_t* segment_end, const ScoreTables& tables,
               const std::int32_t* year_starts, const YearCells& cells, std::uint32_t* had) {
  const __m512i zero = _mm512_setzero_si512();
  const __m512i t_value = broadcast16(&tables.value), t_square = broadcast16(&tables.square);
  __m512i start[Y + 1], bit[Y];
  // Dates are compared as 16-bit offsets from the first year's start, packed with saturation: half
  // the compares of 32-bit lanes. The Y years span less than 2^15 days, and an offset that wraps
  // in 32 bits lies at least 2^31 days away, so it saturates outside them as it should.
  const __m512i base = _mm512_set1_epi32(year_starts[0]);
  for (int y = 0; y <= Y; ++y) start[y] = _mm512_set1_epi16(short(year_starts[y] - year_starts[0]));
  for (int y = 0; y < Y; ++y) bit[y] = _mm512_set1_epi8(char(1 << y));
  __m512i value[Y], square[Y];
  // Lane y: the unit's counted rows in year y; with Count, its relationships with one.
  __m512i n = zero, ran = zero;
  for (int y = 0; y < Y; ++y) value[y] = square[y] = zero;
  alignas(64) std::uint32_t ids[mark_buffer + 64], years[mark_buffer + 64];
  std::size_t marked = 0;
  auto write_marks = [&] {
    for (std::size_t k = 0; k < marked; ++k) had[ids[k]] = years[k];
    marked = 0;
  };
  auto flush = [&](std::uint32_t unit) {
    if (unit != none32) {
      const std::size_t row = std::size_t(unit) * Y;
      alignas(64) std::int64_t n_of[8], ran_of[8];
      _mm512_store_si512(n_of, n);
      if constexpr (Count) _mm512_store_si512(ran_of, ran);
      for (int y = 0; y < Y; ++y) {
        if (!n_of[y]) continue;
        cells.n[row + std::size_t(y)] += n_of[y];
        cells.sum[row + std::size_t(y)] += _mm512_reduce_add_epi64(value[y]);
        cells.sumsq[row + std::size_t(y)] += _mm512_reduce_add_epi64(square[y]);
        if constexpr (Count) cells.respondents[row + std::size_t(y)] += ran_of[y];
      }
    }
    for (int y = 0; y < Y; ++y) value[y] = square[y] = zero;
    n = ran = zero;
  };
  UnitWalk walk(rel, target, segment_end);
  RunStarts run_starts;
  unsigned char carry[Y] = {};  // without Count
  unsigned char segment_carry = 0;  // with Count
  std::uint64_t prev_after[Y + 1] = {}, had_last = 0;  // with Count: the block before's last row's bits
  for (std::size_t i = 0; i < rows; i += 64) {
    const Block b = read_block(rel, score, i, rows);
    // Bit k of after[y]: row k's date is on or after the start of year y (year Y: after the last).
    for (int q = 0; q < 4; ++q) _mm_prefetch(reinterpret_cast<const char*>(date + i + 512 + 16 * q), _MM_HINT_T0);
    __m512i d[4];
    for (int q = 0; q < 4; ++q) d[q] = _mm512_maskz_loadu_epi32(__mmask16(b.in >> (16 * q)), date + i + 16 * q);
    const __m512i low = offsets16(d[0], d[1], base), high = offsets16(d[2], d[3], base);
    std::uint64_t after[Y + 1];
    for (int y = 0; y <= Y; ++y)
      after[y] = _cvtmask64_u64(_mm512_kunpackd(_mm512_cmpge_epi16_mask(high, start[y]),
                                                _mm512_cmpge_epi16_mask(low, start[y]))) & b.in;
    std::uint64_t counted[Y];
    for (int y = 0; y < Y; ++y) counted[y] = b.counted & after[y] & ~after[y + 1];
    const std::uint64_t starts = run_starts(b.ends);
    std::uint64_t firsts = 0;
    if constexpr (Count) {
      // A run's rows of one year are consecutive (dates ascend in a run), so a relationship counts
      // in year y once for each (run, year) segment with a counted row: at that segment's first
      // counted row. A segment starts with a run or where a year begins: a rising edge of after[y].
      std::uint64_t segment_starts = starts;
      for (int y = 0; y <= Y; ++y) {
        segment_starts |= after[y] & ~(after[y] << 1 | prev_after[y]);
        prev_after[y] = after[y] >> 63;
      }
      const std::uint64_t in_years = b.counted & after[0] & ~after[Y];
      const std::uint64_t had = segmented_or(in_years, segment_starts, segment_carry);
      const std::uint64_t had_before = (had << 1 | had_last) & ~segment_starts;  // earlier in the segment
      had_last = had >> 63;
      firsts = in_years & ~had_before;
    } else {
      // Each run's years with a counted row, gathered at its end and marked.
      // A byte of year bits per row (distinct bits, so adding is or-ing), widened per 16 rows.
      __m512i bits = zero;
      for (int y = 0; y < Y; ++y)
        bits = _mm512_mask_add_epi8(bits, segmented_or(counted[y], starts, carry[y]), bits, bit[y]);
      const __m512i lanes[4] = {_mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(bits, 0)),
                                _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(bits, 1)),
                                _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(bits, 2)),
                                _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(bits, 3))};
      for (int q = 0; q < 4; ++q) {
        const __mmask16 e = __mmask16(b.ends >> (16 * q));
        _mm512_storeu_si512(ids + marked, _mm512_maskz_compress_epi32(e, b.rel[q]));
        _mm512_storeu_si512(years + marked, _mm512_maskz_compress_epi32(e, lanes[q]));
        marked += popcount(e);
      }
      if (marked >= mark_buffer) write_marks();
    }
    const __m512i v = _mm512_shuffle_epi8(t_value, b.score), v2 = _mm512_shuffle_epi8(t_square, b.score);
    __m512i counted_lanes = zero;
    for (int y = 0; y < Y; ++y) counted_lanes = _mm512_mask_set1_epi64(counted_lanes, __mmask8(1u << y), std::int64_t(counted[y]));
    const __m512i firsts_lanes = _mm512_set1_epi64(std::int64_t(firsts));
    walk(b, [&](std::uint64_t part) {
      const __m512i m_lanes = _mm512_and_si512(counted_lanes, _mm512_set1_epi64(std::int64_t(part)));
      n = _mm512_add_epi64(n, _mm512_popcnt_epi64(m_lanes));
      if constexpr (Count) ran = _mm512_add_epi64(ran, _mm512_popcnt_epi64(_mm512_and_si512(m_lanes, firsts_lanes)));
      for (int y = 0; y < Y; ++y) {
        const std::uint64_t m = counted[y] & part;
        value[y] = _mm512_add_epi64(value[y], _mm512_sad_epu8(_mm512_maskz_mov_epi8(m, v), zero));
        square[y] = _mm512_add_epi64(square[y], _mm512_sad_epu8(_mm512_maskz_mov_epi8(m, v2), zero));
      }
    }, flush);
  }
  flush(walk.unit);
  if constexpr (!Count) write_marks();
}

}  // namespace

void year_pass_avx512(const std::uint32_t* rel, const std::uint8_t* score, const std::int32_t* date, std::size_t rows,
                      const std::uint32_t* target, const std::uint32_t* segment_end, const ScoreTables& tables,
                      const std::int32_t* year_starts, int years, const YearCells& cells, std::uint32_t* had) {
  if (rows == 0) return;
  switch (years) {
#define RAPPORT_YEARS(Y) \
  case Y:                                                                                                          \
    return cells.respondents                                                                                       \
               ? year_pass<Y, true>(rel, score, date, rows, target, segment_end, tables, year_starts, cells, had) \
               : year_pass<Y, false>(rel, score, date, rows, target, segment_end, tables, year_starts, cells, had);
    RAPPORT_YEARS(1) RAPPORT_YEARS(2) RAPPORT_YEARS(3) RAPPORT_YEARS(4)
    RAPPORT_YEARS(5) RAPPORT_YEARS(6) RAPPORT_YEARS(7) RAPPORT_YEARS(8)
#undef RAPPORT_YEARS
  }
}

std::size_t latest_blocks_avx512(const LatestIn& in, std::size_t rows, const LatestOut& out) {
  // Local copies: a byte store may alias anything, so the compiler would reload them after each.
  const std::uint32_t *const rel = in.rel, *const id = in.id, *const guide = in.guide;
  const std::int32_t* const date = in.date;
  const std::uint8_t* const score = in.score;
  std::uint32_t *const out_id = out.id, *const out_guide = out.guide;
  std::int32_t* const out_date = out.date;
  std::uint8_t* const out_score = out.score;
  std::size_t i = 0;
  for (; i + 64 < rows; i += 64) {
    const Block b = read_block(rel, score, i, rows);
    for (std::uint64_t s = b.counted & (b.ends | ~(b.counted >> 1)); s; s &= s - 1) {
      const std::size_t k = i + std::size_t(__builtin_ctzll(s));
      const std::uint32_t r = rel[k];
      out_id[r] = id[k], out_date[r] = date[k], out_score[r] = score[k];
      if (out_guide) out_guide[r] = guide[k];
    }
  }
  return i;
}

std::size_t latest_finish_avx512(std::size_t relationships, const double* normalised16, const LatestFinish& out) {
  const __m512i none = _mm512_set1_epi32(-1), no_data = _mm512_set1_epi32(1), zero = _mm512_setzero_si512();
  const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512d low = _mm512_loadu_pd(normalised16), high = _mm512_loadu_pd(normalised16 + 8);
  std::size_t r = 0;
  for (; r + 16 <= relationships; r += 16) {
    const __mmask16 empty = _mm512_cmpeq_epu32_mask(_mm512_loadu_si512(out.id + r), none);
    _mm512_storeu_si512(out.relationship + r, _mm512_add_epi32(_mm512_set1_epi32(int(r)), lanes));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out.status + r), _mm512_cvtepi32_epi8(_mm512_maskz_mov_epi32(empty, no_data)));
    _mm512_mask_storeu_epi32(out.date + r, empty, zero);
    const __m512i score = _mm512_maskz_mov_epi32(__mmask16(~empty), _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(out.score + r))));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out.score + r), _mm512_cvtepi32_epi8(score));
    // Bit 3 of a score picks the table's second half.
    const __m512i first = _mm512_cvtepu32_epi64(_mm512_castsi512_si256(score));
    const __m512i second = _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(score, 1));
    _mm512_storeu_pd(out.normalised + r, _mm512_maskz_permutex2var_pd(__mmask8(~empty), low, first, high));
    _mm512_storeu_pd(out.normalised + r + 8, _mm512_maskz_permutex2var_pd(__mmask8(unsigned(~empty) >> 8), low, second, high));
  }
  return r;
}

void count_marks_avx512(const std::uint8_t* marks, const std::uint32_t* offsets, const std::uint32_t* members,
                        std::uint32_t units, std::int64_t* counts) {
  const __m512i bit0 = _mm512_set1_epi8(1);
  for (std::uint32_t u = 0; u < units; ++u) {
    const std::uint32_t lo = offsets[u], n = offsets[u + 1] - lo;
    const std::uint32_t first = n ? members[lo] : 0;
    std::uint64_t c = 0;
    if (n <= 64 && (n == 0 || members[lo + n - 1] - first == n - 1)) {  // consecutive ids, the usual case
      _mm_prefetch(reinterpret_cast<const char*>(marks + first + 1024), _MM_HINT_T0);  // as below
      const __mmask64 in = n == 64 ? ~__mmask64(0) : (__mmask64(1) << n) - 1;
      c = popcount(_mm512_mask_test_epi8_mask(in, _mm512_maskz_loadu_epi8(in, marks + first), bit0));
    } else {
      for (std::uint32_t k = lo; k < lo + n; ++k) c += marks[members[k]] & 1u;
    }
    counts[u] = std::int64_t(c);
  }
}

namespace {

/// n q - s^2 per lane where ok (0 elsewhere), as the portable variance_numerator: exact in 64 bits when
/// every operand is below 2^31 (every realistic group), else in 128, rounded once to double.
inline __m512d variance_numerators(__mmask8 ok, __m512i n, __m512i s, __m512i q) {
  const __m512i zero = _mm512_setzero_si512(), small = _mm512_set1_epi64(std::int64_t(1) << 31);
  const __mmask8 large = ok & (_mm512_cmpge_epi64_mask(n, small) | _mm512_cmpge_epi64_mask(q, small) |
                               _mm512_cmplt_epi64_mask(q, zero) | _mm512_cmpge_epi64_mask(s, small) |
                               _mm512_cmple_epi64_mask(s, _mm512_sub_epi64(zero, small)));
  if (!large) {
    const __m512i v = _mm512_sub_epi64(_mm512_mullo_epi64(n, q), _mm512_mullo_epi64(s, s));
    return _mm512_maskz_mov_pd(ok, _mm512_cvtepi64_pd(_mm512_max_epi64(v, zero)));
  }
  alignas(64) std::int64_t nn[8], ss[8], qq[8];
  alignas(64) double r[8];
  _mm512_store_si512(nn, n), _mm512_store_si512(ss, s), _mm512_store_si512(qq, q);
  for (int j = 0; j < 8; ++j) {
    const __int128 v = __int128(nn[j]) * qq[j] - __int128(ss[j]) * ss[j];
    r[j] = nn[j] <= 0 ? 0.0 : double(v < 0 ? 0 : v);
  }
  return _mm512_maskz_mov_pd(ok, _mm512_load_pd(r));
}

/// The statistics of eight groups from their operands (n is 1 where not ok), with the portable
/// fill_statistics' operations: mean, sd, normalised mean (0 where not ok), and NPS and its SE.
struct Statistics8 {
  __m512d mean, sd, normalised, score, se;
};
inline Statistics8 statistics8(__mmask8 ok, __m512d n, __m512d sum, __m512d num, __m512d net, __m512d loud,
                               __m512d lo, __m512d range, bool nps) {
  const __m512d hundred = _mm512_set1_pd(100);
  Statistics8 r;
  r.mean = _mm512_div_pd(sum, n);
  r.sd = _mm512_sqrt_pd(_mm512_div_pd(num, _mm512_mul_pd(n, n)));
  r.normalised = _mm512_maskz_mov_pd(ok, _mm512_mul_pd(_mm512_div_pd(_mm512_sub_pd(r.mean, lo), range), hundred));
  if (nps) {
    const __m512d a = _mm512_div_pd(net, n);  // answers count +1 / 0 / -1
    const __m512d v = _mm512_sub_pd(_mm512_div_pd(loud, n), _mm512_mul_pd(a, a));
    r.score = _mm512_mul_pd(hundred, a);
    r.se = _mm512_mul_pd(hundred, _mm512_sqrt_pd(_mm512_div_pd(_mm512_max_pd(v, _mm512_setzero_pd()), n)));
  }
  return r;
}

}  // namespace

void statistics_avx512(StatisticsBlock& b, std::size_t m, double lo, double range, bool nps) {
  for (std::size_t k = 0; k < m; k += 8) {
    const __m512i ok_bits = _mm512_load_si512(b.ok + k);
    const __m512d zero = _mm512_setzero_pd();
    const Statistics8 r = statistics8(_mm512_test_epi64_mask(ok_bits, ok_bits), _mm512_load_pd(b.n + k),
                                      _mm512_load_pd(b.sum + k), _mm512_load_pd(b.num + k),
                                      nps ? _mm512_load_pd(b.net + k) : zero, nps ? _mm512_load_pd(b.loud + k) : zero,
                                      _mm512_set1_pd(lo), _mm512_set1_pd(range), nps);
    _mm512_store_pd(b.mean + k, r.mean);
    _mm512_store_pd(b.sd + k, r.sd);
    _mm512_store_pd(b.normalised + k, r.normalised);
    if (nps) _mm512_store_pd(b.score + k, r.score), _mm512_store_pd(b.se + k, r.se);
  }
}

void count_slot_marks_avx512(const std::uint32_t* marks, const std::uint32_t* offsets, const std::uint32_t* members,
                             std::uint32_t units, int slots, std::int64_t* counts) {
  for (std::uint32_t u = 0; u < units; ++u) {
    const std::uint32_t lo = offsets[u], n = offsets[u + 1] - lo;
    std::int64_t* row = counts + std::size_t(u) * std::size_t(slots);
    const std::uint32_t first = n ? members[lo] : 0;
    if (n <= 32 && (n == 0 || members[lo + n - 1] - first == n - 1)) {  // consecutive ids, the usual case
      // Two masked loads, without a loop: the number of relationships varies from unit to unit. The
      // marks of later units are prefetched: these loads alone left the cache misses unhidden.
      _mm_prefetch(reinterpret_cast<const char*>(marks + first + 256), _MM_HINT_T0);
      const __mmask16 m0 = __mmask16(n >= 16 ? 0xFFFFu : (1u << n) - 1);
      const __mmask16 m1 = __mmask16(n > 16 ? (1u << (n - 16)) - 1 : 0u);
      const __m512i v0 = _mm512_maskz_loadu_epi32(m0, marks + first), v1 = _mm512_maskz_loadu_epi32(m1, marks + first + 16);
      for (int y = 0; y < slots; ++y) {
        const __m512i b = _mm512_set1_epi32(int(1u << y));
        row[y] = std::int64_t(popcount(_cvtmask32_u32(
            _mm512_kunpackw(_mm512_test_epi32_mask(v1, b), _mm512_test_epi32_mask(v0, b)))));
      }
    } else {
      for (int y = 0; y < slots; ++y) row[y] = 0;
      for (std::uint32_t k = lo; k < lo + n; ++k)
        for (std::uint32_t b = marks[members[k]]; b; b &= b - 1) ++row[__builtin_ctz(b)];
    }
  }
}

void unit_statistics_avx512(const UnitStatisticsIn& in, std::size_t rows, double lo, double range, bool nps,
                            const UnitStatisticsOut& out) {
  for (std::size_t k = 0; k < rows; k += 8) {
    const __mmask8 in_range = rows - k >= 8 ? __mmask8(0xFF) : __mmask8((1u << (rows - k)) - 1);
    std::uint64_t status = ~std::uint64_t(0);  // past the end: not ok
    std::memcpy(&status, in.status + k, rows - k >= 8 ? 8 : rows - k);
    const __mmask8 ok = _mm512_cmpeq_epi64_mask(_mm512_cvtepu8_epi64(_mm_cvtsi64_si128(std::int64_t(status))),
                                                 _mm512_setzero_si512());  // Status::ok
    const __m512i n = _mm512_maskz_loadu_epi64(ok, in.n + k), s = _mm512_maskz_loadu_epi64(ok, in.sum + k);
    const __m512i q = _mm512_maskz_loadu_epi64(ok, in.sumsq + k);
    const __m512i p = nps ? _mm512_maskz_loadu_epi64(ok, in.promoters + k) : _mm512_setzero_si512();
    const __m512i d = nps ? _mm512_maskz_loadu_epi64(ok, in.detractors + k) : _mm512_setzero_si512();
    const Statistics8 r = statistics8(ok, _mm512_mask_blend_pd(ok, _mm512_set1_pd(1), _mm512_cvtepi64_pd(n)),
                                      _mm512_cvtepi64_pd(s), variance_numerators(ok, n, s, q),
                                      _mm512_cvtepi64_pd(_mm512_sub_epi64(p, d)), _mm512_cvtepi64_pd(_mm512_add_epi64(p, d)),
                                      _mm512_set1_pd(lo), _mm512_set1_pd(range), nps);
    _mm512_mask_storeu_pd(out.mean + k, in_range, r.mean);
    _mm512_mask_storeu_pd(out.sd + k, in_range, r.sd);
    _mm512_mask_storeu_pd(out.normalised + k, in_range, r.normalised);
    if (nps) {
      _mm512_mask_storeu_pd(out.nps + k, in_range, r.score);
      _mm512_mask_storeu_pd(out.nps_se + k, in_range, r.se);
      _mm512_mask_storeu_epi64(out.promoters + k, in_range, p);
      _mm512_mask_storeu_epi64(out.passives + k, in_range, _mm512_maskz_loadu_epi64(ok, in.passives + k));
      _mm512_mask_storeu_epi64(out.detractors + k, in_range, d);
    }
  }
}

void year_rows_avx512(const YearRowsIn& in, std::size_t units, int years, int first_year, std::int64_t min_group,
                      const YearRowsOut& out) {
  const std::size_t rows = units * std::size_t(years);
  const __m512i zero = _mm512_setzero_si512(), one = _mm512_set1_epi64(1), two = _mm512_set1_epi64(2);
  const __m512i k_min = _mm512_set1_epi64(min_group), years_v = _mm512_set1_epi64(years);
  const __m512i no_data = _mm512_set1_epi64(1), suppressed = _mm512_set1_epi64(2);  // Status values
  const __m512d zero_d = _mm512_setzero_pd();
  // Each lane's unit and year, stepped by 8 rows: 8 / years units and 8 % years years, with a carry.
  __m512i year = zero, unit = zero;
  {
    alignas(64) std::int64_t y0[8], u0[8];
    for (int l = 0; l < 8; ++l) y0[l] = l % years, u0[l] = l / years;
    year = _mm512_load_si512(y0), unit = _mm512_load_si512(u0);
  }
  const __m512i year_step = _mm512_set1_epi64(8 % years), unit_step = _mm512_set1_epi64(8 / years);
  // The previous row's values, for lane 0 of the next eight.
  __m512i prev_status = no_data, prev_n = zero;
  __m512d prev_mean = zero_d, prev_now = zero_d;
  for (std::size_t i = 0; i < rows; i += 8) {
    const __mmask8 in_range = rows - i >= 8 ? __mmask8(0xFF) : __mmask8((1u << (rows - i)) - 1);
    const __m512i n = _mm512_maskz_loadu_epi64(in_range, in.n + i), s = _mm512_maskz_loadu_epi64(in_range, in.sum + i);
    const __m512i q = _mm512_maskz_loadu_epi64(in_range, in.sumsq + i);
    const __m512i r = _mm512_maskz_loadu_epi64(in_range, in.respondents + i);
    const __mmask8 empty = _mm512_cmpeq_epi64_mask(n, zero);
    const __mmask8 ok = ~empty & _mm512_cmpge_epi64_mask(r, k_min);  // unit reports: primary only
    const __m512i status = _mm512_mask_blend_epi64(empty, _mm512_maskz_mov_epi64(~ok, suppressed), no_data);
    // Mean, sd and the sample variance over n ("now") where ok.
    const __m512d num = variance_numerators(ok, n, s, q);
    const __m512d nd = _mm512_cvtepi64_pd(_mm512_mask_blend_epi64(ok, one, n));
    const __m512d mean = _mm512_maskz_div_pd(ok, _mm512_cvtepi64_pd(s), nd);
    const __m512d var = _mm512_div_pd(num, _mm512_mul_pd(nd, nd));
    const __mmask8 at_least_two = _mm512_cmpge_epi64_mask(n, two);
    const __m512d now = _mm512_maskz_div_pd(ok & at_least_two, var, _mm512_cvtepi64_pd(_mm512_sub_epi64(n, one)));
    // The row before each lane's.
    const __m512i before_status = _mm512_alignr_epi64(status, prev_status, 7);
    const __m512i before_n = _mm512_alignr_epi64(n, prev_n, 7);
    const __m512d before_mean = _mm512_castsi512_pd(_mm512_alignr_epi64(_mm512_castpd_si512(mean), _mm512_castpd_si512(prev_mean), 7));
    const __m512d before_now = _mm512_castsi512_pd(_mm512_alignr_epi64(_mm512_castpd_si512(now), _mm512_castpd_si512(prev_now), 7));
    // The change: no data in the first year or when either year has none, else the worse status.
    const __mmask8 first = _mm512_cmpeq_epi64_mask(year, zero);
    const __mmask8 none = first | empty | _mm512_cmpeq_epi64_mask(before_status, no_data);
    const __m512i change = _mm512_mask_blend_epi64(none, _mm512_mask_blend_epi64(ok, status, before_status), no_data);
    const __mmask8 change_ok = _mm512_cmpeq_epi64_mask(change, zero);
    const __mmask8 has_se = change_ok & at_least_two & _mm512_cmpge_epi64_mask(before_n, two);
    const __m512d delta = _mm512_maskz_sub_pd(change_ok, mean, before_mean);
    const __m512d se = _mm512_maskz_sqrt_pd(has_se, _mm512_add_pd(now, before_now));

    _mm512_mask_cvtepi64_storeu_epi32(out.unit + i, in_range, unit);
    _mm512_mask_cvtepi64_storeu_epi32(out.year + i, in_range, _mm512_add_epi64(year, _mm512_set1_epi64(first_year)));
    _mm512_mask_cvtepi64_storeu_epi8(out.status + i, in_range, status);
    _mm512_mask_cvtepi64_storeu_epi8(out.change_status + i, in_range, change);
    _mm512_mask_cvtepi64_storeu_epi8(out.has_se + i, in_range, _mm512_maskz_mov_epi64(has_se, one));
    _mm512_mask_storeu_pd(out.mean + i, in_range, mean);
    _mm512_mask_storeu_pd(out.sd + i, in_range, _mm512_sqrt_pd(var));
    _mm512_mask_storeu_pd(out.delta + i, in_range, delta);
    _mm512_mask_storeu_pd(out.delta_se + i, in_range, se);

    prev_status = status, prev_n = n, prev_mean = mean, prev_now = now;
    year = _mm512_add_epi64(year, year_step);
    const __mmask8 wrap = _mm512_cmpge_epi64_mask(year, years_v);
    year = _mm512_mask_sub_epi64(year, wrap, year, years_v);
    unit = _mm512_mask_add_epi64(_mm512_add_epi64(unit, unit_step), wrap, _mm512_add_epi64(unit, unit_step), one);
  }
}

#pragma GCC diagnostic pop
#pragma GCC pop_options
#else
void unit_pass_avx512(const std::uint32_t*, const std::uint8_t*, std::size_t, const std::uint32_t*, const std::uint32_t*,
                      const ScoreTables&, const UnitColumns&, std::uint8_t*) {}
void count_marks_avx512(const std::uint8_t*, const std::uint32_t*, const std::uint32_t*, std::uint32_t, std::int64_t*) {}
std::size_t latest_blocks_avx512(const LatestIn&, std::size_t, const LatestOut&) { return 0; }
std::size_t latest_finish_avx512(std::size_t, const double*, const LatestFinish&) { return 0; }
void count_slot_marks_avx512(const std::uint32_t*, const std::uint32_t*, const std::uint32_t*, std::uint32_t, int,
                             std::int64_t*) {}
void unit_statistics_avx512(const UnitStatisticsIn&, std::size_t, double, double, bool, const UnitStatisticsOut&) {}
void year_rows_avx512(const YearRowsIn&, std::size_t, int, int, std::int64_t, const YearRowsOut&) {}
void statistics_avx512(StatisticsBlock&, std::size_t, double, double, bool) {}
void year_pass_avx512(const std::uint32_t*, const std::uint8_t*, const std::int32_t*, std::size_t, const std::uint32_t*,
                      const std::uint32_t*, const ScoreTables&, const std::int32_t*, int, const YearCells&, std::uint32_t*) {}
#endif

}  // namespace rapport::score::detail
