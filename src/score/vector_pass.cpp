// The unit pass in AVX-512 (vector_pass.hpp).
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
#include "vector_pass.hpp"

#include <atomic>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define RAPPORT_HAVE_AVX512_PASS 1
#endif

namespace rapport::score::detail {

namespace {
bool cpu_has_avx512() {
#if defined(RAPPORT_HAVE_AVX512_PASS)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
#else
  return false;
#endif
}
std::atomic<bool> vector_on{cpu_has_avx512()};
}  // namespace

bool vector_passes() { return vector_on.load(std::memory_order_relaxed); }
void set_vector_passes(bool on) { vector_on.store(on && cpu_has_avx512(), std::memory_order_relaxed); }

#if defined(RAPPORT_HAVE_AVX512_PASS)
// Everything below is compiled for AVX-512 and runs only after vector_passes(); it uses no templates
// that another source could instantiate without the target.
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,popcnt")
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12's own _mm512_reduce_add_epi64

namespace {

constexpr std::uint32_t none32 = 0xFFFFFFFFu;
constexpr std::size_t mark_buffer = 4096;  // run-end marks held before they are written to `had`

inline __m512i broadcast16(const void* table) {
  return _mm512_broadcast_i32x4(_mm_loadu_si128(static_cast<const __m128i*>(table)));
}

inline std::uint64_t popcount(std::uint64_t x) { return std::uint64_t(__builtin_popcountll(x)); }

/// The running sums of the current unit, in 64-bit lanes.
struct Lanes {
  __m512i value, square, promoter, detractor;
  std::uint64_t n;
};

}  // namespace

void unit_pass_avx512(const std::uint32_t* rel, const std::uint8_t* score, std::size_t rows,
                      const std::uint32_t* target, const std::uint32_t* segment_end, const ScoreTables& tables,
                      UnitSums* sums, std::uint8_t* had) {
  if (rows == 0) return;
  const __m512i none = _mm512_set1_epi32(-1), missing = _mm512_set1_epi8(-1), zero = _mm512_setzero_si512();
  const __m512i high_bit = _mm512_set1_epi32(int(0x80000000u));
  const __m512i t_value = broadcast16(&tables.value), t_square = broadcast16(&tables.square);
  const __m512i t_promoter = broadcast16(&tables.promoter), t_detractor = broadcast16(&tables.detractor);
  Lanes acc{zero, zero, zero, zero, 0};
  // Rows outside `counted` hold 0xFF in s, whose lookups give 0.
  auto add = [&](__m512i s, std::uint64_t counted) {
    acc.n += popcount(counted);
    acc.value = _mm512_add_epi64(acc.value, _mm512_sad_epu8(_mm512_shuffle_epi8(t_value, s), zero));
    acc.square = _mm512_add_epi64(acc.square, _mm512_sad_epu8(_mm512_shuffle_epi8(t_square, s), zero));
    acc.promoter = _mm512_add_epi64(acc.promoter, _mm512_sad_epu8(_mm512_shuffle_epi8(t_promoter, s), zero));
    acc.detractor = _mm512_add_epi64(acc.detractor, _mm512_sad_epu8(_mm512_shuffle_epi8(t_detractor, s), zero));
  };
  auto flush = [&](std::uint32_t unit) {
    if (unit != none32) {
      UnitSums& u = sums[unit];
      u.n += acc.n;
      u.sum += std::uint64_t(_mm512_reduce_add_epi64(acc.value));
      u.sumsq += std::uint64_t(_mm512_reduce_add_epi64(acc.square));
      u.promoters += std::uint64_t(_mm512_reduce_add_epi64(acc.promoter));
      u.detractors += std::uint64_t(_mm512_reduce_add_epi64(acc.detractor));
    }
    acc = Lanes{zero, zero, zero, zero, 0};
  };
  // Marks: relationship id, with the top bit set when the run had a counted row.
  alignas(64) std::uint32_t marks[mark_buffer + 64];
  std::size_t marked = 0;
  auto write_marks = [&] {
    for (std::size_t k = 0; k < marked; ++k) had[marks[k] & 0x7FFFFFFFu] = std::uint8_t(marks[k] >> 31);
    marked = 0;
  };

  std::uint32_t unit = target[rel[0]], limit = segment_end[rel[0]];
  std::uint64_t starts_carry = 1;  // row 0 starts a run
  unsigned char had_carry = 0;     // the run going on at the block's start had a counted row
  for (std::size_t i = 0; i < rows; i += 64) {
    const std::size_t valid = rows - i < 64 ? rows - i : 64;
    const std::uint64_t in = valid == 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << valid) - 1;
    const std::uint64_t has_next = in >> 1 | (i + 64 < rows ? std::uint64_t(1) << 63 : 0);
    __m512i r[4], s;
    std::uint64_t ends = 0;
    if (i + 64 < rows) {  // plain loads but for the last block
      _mm_prefetch(reinterpret_cast<const char*>(rel + i + 512), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(rel + i + 528), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(rel + i + 544), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(rel + i + 560), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(score + i + 512), _MM_HINT_T0);
      for (int q = 0; q < 4; ++q) {
        r[q] = _mm512_loadu_si512(rel + i + 16 * q);
        const __m512i next = _mm512_loadu_si512(rel + i + 1 + 16 * q);
        ends |= std::uint64_t(_mm512_cmpneq_epu32_mask(r[q], next)) << (16 * q);
      }
      s = _mm512_loadu_si512(score + i);
    } else {
      for (int q = 0; q < 4; ++q) {
        r[q] = _mm512_mask_loadu_epi32(none, __mmask16(in >> (16 * q)), rel + i + 16 * q);
        const __m512i next = _mm512_mask_loadu_epi32(none, __mmask16(has_next >> (16 * q)), rel + i + 1 + 16 * q);
        ends |= std::uint64_t(_mm512_cmpneq_epu32_mask(r[q], next)) << (16 * q);
      }
      s = _mm512_mask_loadu_epi8(missing, in, score + i);
    }
    const std::uint64_t counted = _mm512_cmpneq_epi8_mask(s, missing);

    // had[k]: a counted row in row k's run up to k. The recurrence had[k] = counted[k] |
    // (!start[k] & had[k - 1]) is a carry chain: generate = counted, propagate = not a start.
    const std::uint64_t starts = ends << 1 | starts_carry;
    starts_carry = ends >> 63;
    const std::uint64_t propagate = ~starts & ~counted, a = counted | propagate;
    unsigned long long total;
    const unsigned char carry_out = _addcarry_u64(had_carry, a, counted, &total);
    const std::uint64_t had_bits = (a ^ counted ^ total) >> 1 | std::uint64_t(carry_out) << 63;
    had_carry = carry_out;
    for (int q = 0; q < 4; ++q) {
      const __mmask16 e = __mmask16(ends >> (16 * q));
      const __m512i v = _mm512_mask_or_epi32(r[q], __mmask16(had_bits >> (16 * q)), r[q], high_bit);
      _mm512_storeu_si512(marks + marked, _mm512_maskz_compress_epi32(e, v));
      marked += popcount(e);
    }
    if (marked >= mark_buffer) write_marks();

    // The unit's rows: usually the whole block.
    if (rel[i + valid - 1] < limit) {
      add(s, counted);
      continue;
    }
    std::uint64_t rest = in;
    for (;;) {
      const __m512i l = _mm512_set1_epi32(int(limit));
      std::uint64_t beyond = 0;
      for (int q = 0; q < 4; ++q) beyond |= std::uint64_t(_mm512_cmpge_epu32_mask(r[q], l)) << (16 * q);
      beyond &= rest;
      if (!beyond) {
        add(_mm512_mask_mov_epi8(missing, rest, s), counted & rest);
        break;
      }
      const unsigned k = unsigned(__builtin_ctzll(beyond));
      const std::uint64_t before = rest & ((std::uint64_t(1) << k) - 1);
      add(_mm512_mask_mov_epi8(missing, before, s), counted & before);
      flush(unit);
      const std::uint32_t rk = rel[i + k];
      unit = target[rk], limit = segment_end[rk];
      rest &= ~before;
    }
  }
  flush(unit);
  write_marks();
}

void count_marks_avx512(const std::uint8_t* marks, const std::uint32_t* offsets, const std::uint32_t* members,
                        std::uint32_t units, std::int64_t* counts) {
  const __m512i bit0 = _mm512_set1_epi8(1);
  for (std::uint32_t u = 0; u < units; ++u) {
    const std::uint32_t lo = offsets[u], hi = offsets[u + 1];
    if (lo == hi) continue;
    const std::uint32_t first = members[lo];
    std::uint64_t c = 0;
    if (members[hi - 1] - first == hi - lo - 1) {  // consecutive ids, the usual case
      for (std::uint32_t k = 0; k < hi - lo; k += 64) {  // once, but for more than 64 relationships
        const std::uint32_t n = hi - lo - k < 64 ? hi - lo - k : 64;
        const __mmask64 in = n == 64 ? ~__mmask64(0) : (__mmask64(1) << n) - 1;
        c += popcount(_mm512_mask_test_epi8_mask(in, _mm512_maskz_loadu_epi8(in, marks + first + k), bit0));
      }
    } else {
      for (std::uint32_t k = lo; k < hi; ++k) c += marks[members[k]] & 1u;
    }
    counts[u] += std::int64_t(c);
  }
}

void statistics_avx512(StatisticsBlock& b, std::size_t m, double lo_, double range_, bool nps) {
  const __m512d lo = _mm512_set1_pd(lo_), range = _mm512_set1_pd(range_);
  const __m512d zero = _mm512_setzero_pd(), hundred = _mm512_set1_pd(100);
  for (std::size_t k = 0; k < m; k += 8) {
    const __m512d n = _mm512_load_pd(b.n + k), mean = _mm512_div_pd(_mm512_load_pd(b.sum + k), n);
    _mm512_store_pd(b.mean + k, mean);
    _mm512_store_pd(b.sd + k, _mm512_sqrt_pd(_mm512_div_pd(_mm512_load_pd(b.num + k), _mm512_mul_pd(n, n))));
    const __m512d normalised = _mm512_mul_pd(_mm512_div_pd(_mm512_sub_pd(mean, lo), range), hundred);
    _mm512_store_pd(b.normalised + k, _mm512_castsi512_pd(_mm512_and_si512(_mm512_castpd_si512(normalised),
                                                                           _mm512_load_si512(b.ok + k))));
    if (nps) {
      const __m512d a = _mm512_div_pd(_mm512_load_pd(b.net + k), n);
      const __m512d v = _mm512_sub_pd(_mm512_div_pd(_mm512_load_pd(b.loud + k), n), _mm512_mul_pd(a, a));
      _mm512_store_pd(b.score + k, _mm512_mul_pd(hundred, a));
      _mm512_store_pd(b.se + k, _mm512_mul_pd(hundred, _mm512_sqrt_pd(_mm512_div_pd(_mm512_max_pd(v, zero), n))));
    }
  }
}

#pragma GCC diagnostic pop
#pragma GCC pop_options
#else
void unit_pass_avx512(const std::uint32_t*, const std::uint8_t*, std::size_t, const std::uint32_t*, const std::uint32_t*,
                      const ScoreTables&, UnitSums*, std::uint8_t*) {}
void count_marks_avx512(const std::uint8_t*, const std::uint32_t*, const std::uint32_t*, std::uint32_t, std::int64_t*) {}
void statistics_avx512(StatisticsBlock&, std::size_t, double, double, bool) {}
#endif

}  // namespace rapport::score::detail
