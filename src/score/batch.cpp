// Batch scores: one sequential pass over the conversation columns.
//
// The clustered part of the table holds each relationship's rows as one run. The pass reads it in
// chunks of at most 2048 rows. Phase 1 walks a chunk without data-dependent branches: every row adds
// its packed contribution, looked up by its effective score byte, to a running 128-bit sum (one
// vector add) and stores it at the slot of the current run; the slot index advances when the
// relationship changes. What is left in a slot is the running sum at the end of its run, and a row
// counter in it tells where the next run starts. Phase 2 takes differences of neighbouring slots: one
// update per run into the per-unit tables. The unsorted tail is added row by row. Tombstones and
// missing scores have the score byte 0xFF; filtered-out kinds, periods and guides are turned into
// 0xFF, whose contribution counts the row and nothing else. The year pass splits by year as well,
// which would make runs of about two rows; it adds every row into per-year lanes held in registers
// instead (year_pass).
//
// The 128-bit sums use the GCC/Clang vector extension (plain SSE2 on x86-64, NEON on ARM).
#include "rapport/score/batch.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <numeric>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "internal.hpp"
#include "vector_pass.hpp"

namespace rapport::score {

// ------------------------------------------------------------------------------------------ index

BatchIndex::BatchIndex(const Organisation& org) : org_(&org), relationships_version_(org.relationships_version()) {
  const auto bound = org.relationships().id_bound();
  provider_.assign(bound, detail::none32);
  recipient_.assign(bound, detail::none32);
  bond_.assign(bound, 0xFF);
  const std::uint32_t units = std::uint32_t(org.units().id_bound());
  provided_offsets_.assign(std::size_t(units) + 1, 0);
  for (const Relationship& r : org.relationships()) {
    provider_[r.id.value] = r.provider.value;
    recipient_[r.id.value] = r.recipient.value;
    bond_[r.id.value] = std::uint8_t(r.bond);
    ++provided_offsets_[r.provider.value + 1];
  }
  std::partial_sum(provided_offsets_.begin(), provided_offsets_.end(), provided_offsets_.begin());
  provided_members_.resize(provided_offsets_.back());
  std::vector<std::uint32_t> fill(provided_offsets_.begin(), provided_offsets_.end() - 1);
  for (std::uint32_t r = 0; r < bound; ++r)
    if (provider_[r] != detail::none32) provided_members_[fill[provider_[r]]++] = r;
  // Relationships that share (provider, recipient): the same respondent, to be counted once.
  pair_offsets_.push_back(0);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> seg;
  for (std::uint32_t u = 0; u < units; ++u) {
    auto lo = provided_offsets_[u], hi = provided_offsets_[u + 1];
    if (hi - lo < 2) continue;
    seg.clear();
    for (auto i = lo; i < hi; ++i) seg.emplace_back(recipient_[provided_members_[i]], provided_members_[i]);
    std::sort(seg.begin(), seg.end());
    for (std::size_t i = 0; i < seg.size();) {
      std::size_t j = i;
      while (j < seg.size() && seg[j].first == seg[i].first) ++j;
      if (j - i > 1) {
        for (auto m = i; m < j; ++m) pair_members_.push_back(seg[m].second);
        pair_offsets_.push_back(std::uint32_t(pair_members_.size()));
      }
      i = j;
    }
  }
  auto segment_ends = [n = std::uint32_t(bound)](const std::vector<std::uint32_t>& unit) {
    std::vector<std::uint32_t> end(n);
    for (std::uint32_t r = n, e = n; r-- > 0;) {
      if (r + 1 < n && unit[r + 1] != unit[r]) e = r + 1;
      end[r] = e;
    }
    return end;
  };
  provider_segment_end_ = segment_ends(provider_);
  recipient_segment_end_ = segment_ends(recipient_);
  auto count = [](const std::vector<std::uint32_t>& end) {
    std::uint32_t n = 0;
    for (std::uint32_t r = 0; r < end.size(); r = end[r]) ++n;
    return n;
  };
  provider_segments_ = count(provider_segment_end_), recipient_segments_ = count(recipient_segment_end_);
}

bool BatchIndex::valid_for(const Organisation& org) const {
  return &org == org_ && org.relationships_version() == relationships_version_;
}

std::shared_ptr<const BatchIndex> BatchIndexCache::get(const Organisation& org) {
  std::lock_guard lock(mu_);
  if (!index_ || !index_->valid_for(org)) {
    index_.reset();  // the old one's memory goes before the new one's is taken
    index_ = std::make_shared<const BatchIndex>(org);
  }
  return index_;
}

namespace {

using detail::none32;

/// Two 64-bit lanes added with one instruction.
typedef std::uint64_t v2u __attribute__((vector_size(16)));

using rapport::detail::size_for_overwrite;  // for result columns the caller then writes in full

// ---------------------------------------------------------------------------------- lookup tables

/// Turns a row into its effective score byte: 0xFF when it does not count.
struct Masks {
  std::array<std::uint8_t, 256> kind{};  ///< 0 when the kind counts, else 0xFF
  bool need_kind = false;                ///< some kind is filtered out (tombstones need no check: no score)
  std::vector<std::uint8_t> guide;       ///< by guide id: 0 or 0xFF; empty: no guide check needed
  std::vector<std::uint8_t> other_scale; ///< by guide id: 1 when skipped for its scale
  bool period = false;
  std::int32_t begin = 0;
  std::uint32_t length = 0;
};

Masks make_masks(const Organisation& org, const Filter& filter, std::optional<Scale> scale) {
  Masks m;
  for (int k = 0; k < 256; ++k) m.kind[std::size_t(k)] = (k < conversation_kind_count && ((filter.kinds >> k) & 1u)) ? 0 : 0xFF;
  m.need_kind = (filter.kinds & all_kinds) != all_kinds;
  if (filter.period) {
    m.period = true;
    m.begin = filter.period->begin.days;
    m.length = filter.period->end.days > m.begin ? std::uint32_t(filter.period->end.days - m.begin) : 0;
  }
  if (filter.guide) org.guide(*filter.guide);
  bool need = bool(filter.guide);
  for (const Guide& g : org.guides())
    if (scale && g.scale != *scale) need = true;
  if (need) {
    m.guide.assign(org.guides().id_bound(), 0xFF);
    m.other_scale.assign(org.guides().id_bound(), 0);
    for (const Guide& g : org.guides()) {
      bool chosen = !filter.guide || *filter.guide == g.id;
      bool on_scale = !scale || g.scale == *scale;
      m.guide[g.id.value] = chosen && on_scale ? 0 : 0xFF;
      m.other_scale[g.id.value] = chosen && !on_scale;
    }
  }
  return m;
}

/// The effective score byte of a row, reading only the columns the filter needs.
template <bool Kind, bool Guide, bool Period>
struct Effective {
  const Masks& m;
  const std::uint8_t* score;
  const std::uint8_t* kind;
  const std::uint32_t* guide;
  const std::int32_t* date;
  std::int64_t skipped = 0;  ///< rows that would count but for their guide's scale

  explicit Effective(const Masks& masks, const ConversationTable& t)
      : m(masks), score(t.scores().data()), kind(t.kinds().data()), guide(t.guides().data()), date(t.dates().data()) {}

  std::uint8_t operator()(std::size_t i) {
    std::uint8_t e = score[i];
    if constexpr (Kind) e |= m.kind[kind[i]];
    if constexpr (Period) e |= std::uint8_t(-std::uint8_t(std::uint32_t(date[i] - m.begin) >= m.length));
    if constexpr (Guide) {
      skipped += (e != 0xFF) & m.other_scale[guide[i]];
      e |= m.guide[guide[i]];
    }
    return e;
  }

  /// Bit k set when row lo + k counts (its effective byte is not 0xFF), for 64 rows.
  std::uint64_t counted(std::size_t lo) {
#if defined(__SSE2__)
    if constexpr (!Kind && !Guide && !Period) {
      std::uint64_t m = 0;
      const __m128i none = _mm_set1_epi8(char(0xFF));
      for (int q = 0; q < 4; ++q) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(score + lo + 16 * std::size_t(q)));
        m |= std::uint64_t(~unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, none))) & 0xFFFFu) << (16 * q);
      }
      return m;
    }
#endif
    std::uint64_t m = 0;
    for (unsigned k = 0; k < 64; ++k) m |= std::uint64_t((*this)(lo + k) != 0xFF) << k;
    return m;
  }
};

/// Bit k set when rows k and k + 1 belong to different relationships: row k ends its run. Reads
/// rel[0..64]. (The sum passes compare row by row instead: there the comparison hides behind the
/// per-row sums, and taking the runs from masks made the unit pass half again as slow.)
inline std::uint64_t run_ends(const std::uint32_t* rel) {
  std::uint64_t m = 0;
#if defined(__SSE2__)
  for (int q = 0; q < 4; ++q) {
    const std::uint32_t* p = rel + 16 * q;
    auto same = [p](int k) {
      return _mm_cmpeq_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + k)),
                             _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + k + 1)));
    };
    __m128i w = _mm_packs_epi16(_mm_packs_epi32(same(0), same(4)), _mm_packs_epi32(same(8), same(12)));
    m |= std::uint64_t(~unsigned(_mm_movemask_epi8(w)) & 0xFFFFu) << (16 * q);
  }
#else
  for (unsigned k = 0; k < 64; ++k) m |= std::uint64_t(rel[k] != rel[k + 1]) << k;
#endif
  return m;
}

/// Calls f.template operator()<Kind, Guide, Period>() for the columns `m` needs.
template <bool K, bool G, class F>
auto with_period(const Masks& m, F& f) {
  return m.period ? f.template operator()<K, G, true>() : f.template operator()<K, G, false>();
}
template <bool K, class F>
auto with_guide(const Masks& m, F& f) {
  return m.guide.empty() ? with_period<K, false>(m, f) : with_period<K, true>(m, f);
}
template <class F>
auto dispatch(const Masks& m, F&& f) {
  return m.need_kind ? with_guide<true>(m, f) : with_guide<false>(m, f);
}

/// Rows per chunk: every count in a chunk fits 12 bits, every sum of scores 20, of squares 28.
constexpr std::size_t chunk_rows = 2048;
constexpr std::uint64_t field12 = 0xFFF;

/// Packed per-row contributions by effective score byte:
///   lane 0: rows | n << 12 | promoters << 24 | detractors << 36      lane 1: sum | sum of squares << 20
/// A row that does not count adds 1 to `rows` only.
struct SumLut {
  std::vector<v2u> e = std::vector<v2u>(256, v2u{1, 0});
};
SumLut sum_lut(Scale scale, NpsPreset preset) {
  SumLut l;
  NpsBuckets nb = buckets(preset);
  bool nps = scale.is_nps();
  for (int x = scale.min; x <= scale.max && x < 255; ++x) {
    std::uint64_t ux = std::uint64_t(x);
    l.e[std::size_t(x)] = v2u{1u | 1u << 12 | std::uint64_t(nps && nb.promoter(x)) << 24 |
                                  std::uint64_t(nps && nb.detractor(x)) << 36,
                              ux | (ux * ux) << 20};
  }
  return l;
}
struct Sums {
  std::uint64_t n, sum, sumsq, promoters, detractors;
};
inline Sums unpack(v2u d) {
  return {(d[0] >> 12) & field12, d[1] & 0xFFFFF, d[1] >> 20, (d[0] >> 24) & field12, (d[0] >> 36) & field12};
}
inline bool counted(v2u d) { return ((d[0] >> 12) & field12) != 0; }

/// Calls sink(relationship, packed sums) once per run of the clustered part that counts something and
/// once per counted tail row. Returns the rows skipped for their scale.
template <bool K, bool G, bool P, class Sink>
std::int64_t sum_pass(const ConversationTable& t, const Masks& m, const SumLut& l, Sink&& sink) {
  Effective<K, G, P> eff(m, t);
  const std::uint32_t* rel = t.relationships().data();
  const v2u* lut = l.e.data();
  std::vector<v2u> end(chunk_rows);
  v2u* slot = end.data();
  const std::size_t sorted = t.sorted_rows();
  for (std::size_t lo = 0; lo < sorted; lo += chunk_rows) {
    const std::size_t hi = std::min(sorted, lo + chunk_rows);
    v2u acc = {0, 0};
    std::size_t j = 0;
    std::uint32_t prev = rel[lo];
#pragma GCC unroll 4
    for (std::size_t i = lo; i < hi; ++i) {
      std::uint32_t r = rel[i];
      j += r != prev;
      prev = r;
      acc += lut[eff(i)];
      slot[j] = acc;
    }
    v2u before = {0, 0};
    for (std::size_t k = 0; k <= j; ++k) {
      v2u d = slot[k] - before;
      std::size_t start = lo + (before[0] & field12);
      before = slot[k];
      if (counted(d)) sink(rel[start], d);
    }
  }
  for (std::size_t i = sorted; i < t.rows(); ++i) {
    v2u d = lut[eff(i)];
    if (counted(d)) sink(rel[i], d);
  }
  return eff.skipped;
}

template <class Sink>
std::int64_t run_sum_pass(const ConversationTable& t, const Masks& m, const SumLut& l, Sink&& sink) {
  return dispatch(m, [&]<bool K, bool G, bool P>() { return sum_pass<K, G, P>(t, m, l, sink); });
}

/// Per-target integer sums, array-of-structs so one run touches one cache line.
struct Acc {
  std::uint64_t n = 0, sum = 0, sumsq = 0, promoters = 0, detractors = 0;
};
inline void add(Acc& a, const Sums& s) {
  a.n += s.n, a.sum += s.sum, a.sumsq += s.sumsq, a.promoters += s.promoters, a.detractors += s.detractors;
}

bool bond_in(std::uint8_t mask, std::uint8_t bond) { return bond < 8 && ((mask >> bond) & 1u); }

/// The unit each relationship's rows count for: its provider or recipient. With a bond filter,
/// relationships of the other bonds count for a spare unit instead (so the passes need no bond check
/// per run), and clear_dropped() then clears their marks; only then is the index's column copied.
class Targets {
 public:
  Targets(const BatchIndex& index, Role role, const Filter& filter, std::uint32_t spare) : spare_(spare) {
    base_ = role == Role::provider ? index.providers().data() : index.recipients().data();
    if ((filter.bonds & all_bonds) == all_bonds) return;
    copy_.assign(base_, base_ + index.relationship_bound());
    for (std::size_t r = 0; r < copy_.size(); ++r)
      if (copy_[r] != none32 && !bond_in(filter.bonds, index.bonds()[r])) copy_[r] = spare;
    base_ = copy_.data();
  }
  Targets(const Targets&) = delete;  // base_ may point into copy_
  Targets& operator=(const Targets&) = delete;

  /// By relationship id: none32 for a removed relationship, whose rows never count.
  const std::uint32_t* units() const { return base_; }
  /// Clears the per-relationship marks (`had`) of the relationships the bond filter dropped.
  template <class Marks>
  void clear_dropped(Marks& marks) const {
    for (std::size_t r = 0; r < copy_.size(); ++r)
      if (copy_[r] == spare_) marks[r] = 0;
  }

 private:
  const std::uint32_t* base_;
  std::vector<std::uint32_t> copy_;
  std::uint32_t spare_;
};

void check_scale(Scale s) {
  if (s.min >= s.max || s.max >= 255) throw ValidationError("a batch scale needs min < max <= 254");
}

/// Whether a unit or year pass runs in vector code: no filter but on the guides' one scale (every
/// row with a score counts), a scale within 0-15, and the role's units with runs of at least four
/// consecutive relationship ids on average. The vector passes end a unit's sums at every run's end:
/// with the recipient role of the benchmark (a new unit at nearly every relationship) that made the
/// unit pass half as slow again as the portable one, 18.5 against 12.4 ms.
bool vector_pass(const Masks& m, const Filter& filter, Scale scale, const BatchIndex& index, Role role) {
  if (m.need_kind || !m.guide.empty() || m.period || (filter.bonds & all_bonds) != all_bonds || scale.max > 15)
    return false;
  const std::uint64_t segments = role == Role::provider ? index.provider_segments() : index.recipient_segments();
  return detail::vector_passes() && (segments * 4 <= index.relationship_bound() || detail::vector_passes_always());
}

/// Where each relationship's run of ids with the same unit ends, for the role.
const std::uint32_t* segment_ends(const BatchIndex& index, Role role) {
  return (role == Role::provider ? index.provider_segment_ends() : index.recipient_segment_ends()).data();
}

/// The vector passes' tables, for a scale within 0-15.
detail::ScoreTables score_tables(Scale scale, const SumLut& l) {
  detail::ScoreTables tables;
  for (int x = scale.min; x <= scale.max && x < 16; ++x) {
    const Sums s = unpack(l.e[std::size_t(x)]);
    const auto i = std::size_t(x);
    tables.value[i] = std::uint8_t(s.sum), tables.square[i] = std::uint8_t(s.sumsq);
    tables.promoter[i] = std::uint8_t(s.promoters), tables.detractor[i] = std::uint8_t(s.detractors);
  }
  return tables;
}


/// Two doubles in one register. Packed division and square root give the same IEEE results as
/// scalar ones.
typedef double v2d __attribute__((vector_size(16)));
typedef std::int64_t v2i __attribute__((vector_size(16)));
inline v2d sqrt2(v2d x) {
#if defined(__SSE2__)
  return _mm_sqrt_pd(x);
#else
  return v2d{std::sqrt(x[0]), std::sqrt(x[1])};
#endif
}
inline v2d load2(const double* p) {
  v2d x;
  std::memcpy(&x, p, sizeof x);
  return x;
}
inline void store2(double* p, v2d x) { std::memcpy(p, &x, sizeof x); }

/// The integer sums of one group (a unit, subtree or relationship).
struct GroupSums {
  std::int64_t n, sum, sumsq, promoters, passives, detractors;
};

/// The packed part of fill_statistics, two groups at a time.
void statistics_portable(detail::StatisticsBlock& b, std::size_t m, double lo_, double range_, bool nps) {
  const v2d lo = {lo_, lo_}, range = {range_, range_};
  const v2d zero = {0, 0}, hundred = {100, 100};
  for (std::size_t k = 0; k < m; k += 2) {
    const v2d nk = load2(b.n + k), mk = load2(b.sum + k) / nk;
    store2(b.mean + k, mk);
    store2(b.sd + k, sqrt2(load2(b.num + k) / (nk * nk)));
    v2i okk;
    std::memcpy(&okk, b.ok + k, sizeof okk);
    store2(b.normalised + k, v2d(v2i((mk - lo) / range * hundred) & okk));
    if (nps) {
      const v2d a = load2(b.net + k) / nk;
      const v2d v = load2(b.loud + k) / nk - a * a;
      store2(b.score + k, hundred * a);
      store2(b.se + k, hundred * sqrt2((v > zero ? v : zero) / nk));
    }
  }
}

/// Fills the statistic columns (mean, sd, normalised mean; with `nps` the NPS columns) of every row
/// whose status is ok, from its integer sums `sums(i)`, with the formulas of stats() and
/// nps_of_counts(). Rows go in blocks: a scalar loop gathers each block's operands, a packed loop
/// (in AVX-512 where the CPU has it, with the same IEEE results) does the divisions and roots. Other
/// rows keep their zeros.
template <class Sums>
void fill_statistics(ScoreColumns& c, std::size_t rows, Scale scale, bool nps, Sums&& sums) {
  constexpr std::size_t block = detail::StatisticsBlock::size;
  detail::StatisticsBlock b;
  const bool vector = detail::vector_passes();
  for (std::size_t first = 0; first < rows; first += block) {
    const std::size_t m = std::min(block, rows - first);
    for (std::size_t k = 0; k < (m + 7) / 8 * 8; ++k) {  // spare rows up to a multiple of 8
      GroupSums g{0, 0, 0, 0, 0, 0};
      const bool is_ok = k < m && c.status[first + k] == std::uint8_t(Status::ok);
      if (is_ok) g = sums(first + k);
      b.ok[k] = -std::int64_t(is_ok);
      b.n[k] = is_ok ? double(g.n) : 1.0;
      b.sum[k] = double(g.sum);
      b.num[k] = detail::variance_numerator(g.n, g.sum, g.sumsq);
      b.net[k] = double(g.promoters - g.detractors);  // NPS answers count +1 / 0 / -1
      b.loud[k] = double(g.promoters + g.detractors);
      if (nps && is_ok) {
        const std::size_t i = first + k;
        c.promoters[i] = g.promoters, c.passives[i] = g.passives, c.detractors[i] = g.detractors;
      }
    }
    if (vector)
      detail::statistics_avx512(b, m, double(scale.min), double(scale.max - scale.min), nps);
    else
      statistics_portable(b, m, double(scale.min), double(scale.max - scale.min), nps);
    std::memcpy(c.mean.data() + first, b.mean, m * sizeof(double));
    std::memcpy(c.sd.data() + first, b.sd, m * sizeof(double));
    std::memcpy(c.mean_normalised.data() + first, b.normalised, m * sizeof(double));
    if (nps) {
      std::memcpy(c.nps.data() + first, b.score, m * sizeof(double));
      std::memcpy(c.nps_se.data() + first, b.se, m * sizeof(double));
    }
  }
}

/// The columns of `rows` groups. fill_statistics writes every row of the statistic columns, so they
/// are not zeroed first; nor are status and n when the caller writes every row of them, and brings
/// its own respondents column (`every_row`). Zeroing 9 MB of columns at 100k units was a sixth of unit_scores.
ScoreColumns make_columns(std::size_t rows, bool nps, bool every_row) {
  ScoreColumns c;
  size_for_overwrite(rows, c.id, c.mean, c.sd, c.mean_normalised);
  std::iota(c.id.begin(), c.id.end(), 0u);
  if (every_row) {
    size_for_overwrite(rows, c.status, c.n);  // the caller moves the respondents in
  } else {
    c.status.assign(rows, std::uint8_t(Status::no_data));
    c.n.assign(rows, 0), c.respondents.assign(rows, 0);
  }
  if (nps) {
    c.promoters.assign(rows, 0), c.passives.assign(rows, 0), c.detractors.assign(rows, 0);
    size_for_overwrite(rows, c.nps, c.nps_se);
  }
  return c;
}

/// One slot's marks, a byte per relationship (bit 0).
struct ByteMarks {
  const std::uint8_t* bytes;
  std::uint32_t operator()(std::size_t r) const { return bytes[r]; }
};

/// Several slots' marks, a bit set per relationship (bit y: slot y).
struct WordMarks {
  const std::uint32_t* words;
  std::uint32_t operator()(std::size_t r) const { return words[r]; }
};

/// Takes off the repeats of shared (provider, recipient) pairs from respondents counted per
/// relationship: bits(r), relationship r's slots with data.
template <class Bits>
void subtract_pair_repeats(const BatchIndex& index, int slots, Bits&& bits, ResultColumn<std::int64_t>& resp) {
  auto off = index.shared_pair_offsets();
  auto members = index.shared_pair_members();
  for (std::size_t g = 0; g + 1 < off.size(); ++g)
    for (int y = 0; y < slots; ++y) {
      std::int64_t c = 0;
      for (auto i = off[g]; i < off[g + 1]; ++i) c += (bits(members[i]) >> y) & 1u;
      if (c > 1) resp[std::size_t(index.providers()[members[off[g]]]) * std::size_t(slots) + std::size_t(y)] -= c - 1;
    }
}

/// Distinct respondents per (unit, slot) from per-relationship bit sets (bit y: had data in slot y):
/// relationships with data in the role, less the repeats of a (provider, recipient) pair. One sweep over
/// the relationships, without data-dependent branches for the common single-slot case.
template <class Bits>
ResultColumn<std::int64_t> respondents_of(const BatchIndex& index, Bits&& bits, Role role, std::size_t units,
                                         int slots) {
  const std::uint32_t* provider = index.providers().data();
  const std::uint32_t* recipient = index.recipients().data();
  const std::size_t rels = index.providers().size();
  auto at = [&](std::uint32_t unit, int y) { return std::size_t(unit) * std::size_t(slots) + std::size_t(y); };
  ResultColumn<std::int64_t> resp;
  if (role == Role::recipient) {  // the unit itself is the one respondent
    resp.assign(units * std::size_t(slots), 0);
    for (std::size_t r = 0; r < rels; ++r)
      for (std::uint32_t b = bits(r); b; b &= b - 1) resp[at(recipient[r], __builtin_ctz(b))] = 1;
    return resp;
  }
  constexpr bool as_bytes = requires { bits.bytes; };  // one slot, a byte per relationship
  if (detail::vector_passes() && (as_bytes || slots <= 32)) {
    // The vector counts write the rows of every indexed unit, so the column is not zeroed first.
    size_for_overwrite(units * std::size_t(slots), resp);
    const auto indexed = std::uint32_t(std::min(units, index.provided_offsets().size() - 1));
    if constexpr (as_bytes)
      detail::count_marks_avx512(bits.bytes, index.provided_offsets().data(), index.provided_members().data(),
                                 indexed, resp.data());
    else
      detail::count_slot_marks_avx512(bits.words, index.provided_offsets().data(), index.provided_members().data(),
                                      indexed, slots, resp.data());
    std::fill(resp.begin() + std::ptrdiff_t(at(indexed, 0)), resp.end(), 0);
  } else if constexpr (as_bytes) {
    resp.assign(units * std::size_t(slots), 0);
    for (std::size_t r = 0; r < rels; ++r) resp[provider[r] == none32 ? 0 : provider[r]] += bits(r) & 1u;
  } else {
    resp.assign(units * std::size_t(slots), 0);
    // Unit by unit over its provided relationships. Each relationship's bit set is spread into bytes
    // (one table lookup per 8 slots) and added to byte counters in registers, emptied into the row
    // every 255 relationships: adding slot by slot into the row was a third of finish_years.
    static const std::array<std::uint64_t, 256> spread = [] {
      std::array<std::uint64_t, 256> t{};
      for (unsigned b = 0; b < 256; ++b)
        for (unsigned k = 0; k < 8; ++k) t[b] |= std::uint64_t((b >> k) & 1u) << (8 * k);
      return t;
    }();
    const int groups = (slots + 7) / 8;  // slots <= 32 (check_years)
    auto off = index.provided_offsets();
    auto members = index.provided_members();
    for (std::uint32_t u = 0; u < units && u + 1 < off.size(); ++u) {
      std::int64_t* row = resp.data() + at(u, 0);
      for (auto lo = off[u]; lo < off[u + 1];) {
        const auto hi = std::min<std::uint32_t>(off[u + 1], lo + 255);
        std::uint64_t count[4] = {0, 0, 0, 0};
        for (auto i = lo; i < hi; ++i) {
          std::uint32_t b = bits(members[i]);
          for (int g = 0; g < groups; ++g) count[g] += spread[(b >> (8 * g)) & 0xFFu];
        }
        for (int y = 0; y < slots; ++y) row[y] += std::int64_t((count[y / 8] >> (8 * (y % 8))) & 0xFFu);
        lo = hi;
      }
    }
  }
  subtract_pair_repeats(index, slots, bits, resp);
  return resp;
}

/// Whether unit_scores and unit_years count respondents in the vector pass, without a partial: the
/// vector pass's case (unit_years: up to eight years), over a clustered table (no tail, whose rows
/// could repeat a relationship).
bool counts_in_pass(const Organisation& org, const BatchIndex& index, const Filter& filter, const BatchOptions& options) {
  const ConversationTable& t = org.conversations();
  return t.sorted_rows() == t.rows() &&
         vector_pass(make_masks(org, filter, options.scale), filter, options.scale, index, options.role);
}

/// Respondents that the vector pass counted per relationship (cells.respondents) are made the
/// partial's: one per unit in the recipient role; for providers, a shared pair's relationships
/// once, their slots read from the pairs' own rows (clustered: no tail). slot_of(row): the slot of
/// a row with a score, or `slots` where it counts nowhere.
template <class SlotOf>
void settle_counted_respondents(const ConversationTable& t, const BatchIndex& index, Role role, int slots,
                                SlotOf&& slot_of, ResultColumn<std::int64_t>& resp) {
  if (role == Role::recipient) {  // the unit itself is the one respondent
    for (auto& r : resp) r = r != 0;
    return;
  }
  subtract_pair_repeats(index, slots, [&](std::uint32_t r) {
    std::uint32_t bits = 0;
    for (auto [i, end] = t.sorted_range(RelationshipId{r}); i < end; ++i)
      if (const std::uint32_t y = slot_of(i); y < std::uint32_t(slots) && t.scores()[i] != ConversationTable::no_score)
        bits |= 1u << y;
    return bits;
  }, resp);
}

}  // namespace

// ------------------------------------------------------------------------------------ per unit

void UnitPartial::merge(const UnitPartial& o) {
  if (o.scale != scale || o.role != role || o.preset != preset || o.filter != filter || o.n.size() != n.size() ||
      o.had.size() != had.size())
    throw ValidationError("unit partials made with different options or organisations do not merge");
  for (std::size_t u = 0; u < n.size(); ++u) {
    n[u] += o.n[u], sum[u] += o.sum[u], sumsq[u] += o.sumsq[u];
    promoters[u] += o.promoters[u], passives[u] += o.passives[u], detractors[u] += o.detractors[u];
  }
  for (std::size_t r = 0; r < had.size(); ++r) had[r] |= o.had[r];
  skipped_other_scale += o.skipped_other_scale;
}

namespace {

/// The vector unit pass over the clustered rows into p's sums (zeroed here: they are added once per
/// unit), marking p.had or, with `respondents`, counting them (vector_pass.hpp).
void vector_unit_pass(const ConversationTable& t, const BatchIndex& index, const BatchOptions& options,
                      const std::uint32_t* target, const SumLut& l, std::size_t units, UnitPartial& p,
                      std::int64_t* respondents) {
  p.n.assign(units, 0), p.sum.assign(units, 0), p.sumsq.assign(units, 0);
  p.promoters.assign(units, 0), p.detractors.assign(units, 0);
  detail::unit_pass_avx512(t.relationships().data(), t.scores().data(), t.sorted_rows(), target,
                           segment_ends(index, options.role), score_tables(options.scale, l),
                           {p.n.data(), p.sum.data(), p.sumsq.data(), p.promoters.data(), p.detractors.data(), respondents},
                           respondents ? nullptr : p.had.data());
}

void set_passives(UnitPartial& p) {
  size_for_overwrite(p.n.size(), p.passives);
  for (std::size_t u = 0; u < p.n.size(); ++u) p.passives[u] = p.scale.is_nps() ? p.n[u] - p.promoters[u] - p.detractors[u] : 0;
}

/// finish_units with the partial's respondents (moved in).
ScoreColumns unit_columns(const UnitPartial& p, ResultColumn<std::int64_t>&& respondents, const Privacy& privacy) {
  const std::size_t units = p.n.size();
  const bool nps = p.scale.is_nps();
  ScoreColumns c = make_columns(units, nps, true);
  c.skipped_other_scale = p.skipped_other_scale;
  c.respondents = std::move(respondents);
  // Unit reports are never withheld to protect another group (privacy.hpp): primary suppression only.
  for (std::size_t u = 0; u < units; ++u) {
    c.n[u] = p.n[u];
    c.status[u] = std::uint8_t(detail::primary_status(p.n[u], c.respondents[u], true, privacy));
  }
  if (detail::vector_passes()) {
    detail::unit_statistics_avx512(
        {c.status.data(), p.n.data(), p.sum.data(), p.sumsq.data(), p.promoters.data(), p.passives.data(), p.detractors.data()},
        units, double(p.scale.min), double(p.scale.max - p.scale.min), nps,
        {c.mean.data(), c.sd.data(), c.mean_normalised.data(), c.nps.data(), c.nps_se.data(), c.promoters.data(),
         c.passives.data(), c.detractors.data()});
    return c;
  }
  fill_statistics(c, units, p.scale, nps, [&p](std::size_t u) {
    return GroupSums{p.n[u], p.sum[u], p.sumsq[u], p.promoters[u], p.passives[u], p.detractors[u]};
  });
  return c;
}

}  // namespace

UnitPartial unit_partial(const Organisation& org, const BatchIndex& index, const Filter& filter,
                         const BatchOptions& options) {
  detail::check_index(index, org);
  check_scale(options.scale);
  const std::size_t units = org.units().id_bound();
  UnitPartial p;
  p.scale = options.scale, p.role = options.role, p.preset = options.preset, p.filter = filter;
  p.had.assign(index.relationship_bound(), 0);
  Masks m = make_masks(org, filter, options.scale);
  SumLut l = sum_lut(options.scale, options.preset);
  const Targets targets(index, options.role, filter, std::uint32_t(units));
  const std::uint32_t* target = targets.units();
  std::uint8_t* had = p.had.data();
  const ConversationTable& t = org.conversations();
  const std::uint32_t* rel = t.relationships().data();
  if (vector_pass(m, filter, options.scale, index, options.role)) {
    vector_unit_pass(t, index, options, target, l, units, p, nullptr);
    for (std::size_t i = t.sorted_rows(); i < t.rows(); ++i) {  // the unsorted tail
      const v2u d = l.e[t.scores()[i]];
      if (!counted(d)) continue;
      const Sums x = unpack(d);
      const std::uint32_t u = target[rel[i]];  // not none32: a removed relationship's rows never count
      p.n[u] += std::int64_t(x.n), p.sum[u] += std::int64_t(x.sum), p.sumsq[u] += std::int64_t(x.sumsq);
      p.promoters[u] += std::int64_t(x.promoters), p.detractors[u] += std::int64_t(x.detractors);
      had[rel[i]] = 1;
    }
  } else {
    ResultColumn<Acc> acc(units + 1);  // and the spare unit's, for relationships of other bonds
    Acc* a = acc.data();
    // Captured by value: by reference, every run reloaded each pointer through the closure.
    p.skipped_other_scale = run_sum_pass(t, m, l, [a, target, had](std::uint32_t r, v2u d) {
      add(a[target[r]], unpack(d));  // none32 only for a removed relationship, whose rows never count
      had[r] = 1;
    });
    targets.clear_dropped(p.had);
    size_for_overwrite(units, p.n, p.sum, p.sumsq, p.promoters, p.detractors);
    for (std::size_t u = 0; u < units; ++u) {
      const Acc& x = acc[u];
      p.n[u] = std::int64_t(x.n), p.sum[u] = std::int64_t(x.sum), p.sumsq[u] = std::int64_t(x.sumsq);
      p.promoters[u] = std::int64_t(x.promoters), p.detractors[u] = std::int64_t(x.detractors);
    }
  }
  set_passives(p);
  return p;
}

ScoreColumns finish_units(const UnitPartial& p, const Organisation& org, const BatchIndex& index,
                          const Privacy& privacy) {
  privacy.validate();
  detail::check_index(index, org);
  const std::size_t units = p.n.size();
  if (units > org.units().id_bound() || p.had.size() != index.relationship_bound())
    throw ValidationError("the unit partial does not fit this organisation");
  return unit_columns(p, respondents_of(index, ByteMarks{p.had.data()}, p.role, units, 1), privacy);
}

ScoreColumns unit_scores(const Organisation& org, const BatchIndex& index, const Filter& filter,
                         const BatchOptions& options) {
  options.privacy.validate();
  detail::check_index(index, org);
  check_scale(options.scale);
  const ConversationTable& t = org.conversations();
  if (counts_in_pass(org, index, filter, options)) {  // as unit_years: no marks, no partial to return
    UnitPartial p;
    p.scale = options.scale, p.role = options.role, p.preset = options.preset, p.filter = filter;
    const std::size_t units = org.units().id_bound();
    ResultColumn<std::int64_t> respondents(units, 0);
    const Targets targets(index, options.role, filter, std::uint32_t(units));  // all bonds: no copy
    vector_unit_pass(t, index, options, targets.units(), sum_lut(options.scale, options.preset), units, p,
                     respondents.data());
    set_passives(p);
    settle_counted_respondents(t, index, options.role, 1, [](std::size_t) { return 0u; }, respondents);
    return unit_columns(p, std::move(respondents), options.privacy);
  }
  return finish_units(unit_partial(org, index, filter, options), org, index, options.privacy);
}

namespace {

/// The distinct recipients of the relationships with data (had[r]) that each unit's subtree
/// provides, by unit id. In depth-first order a subtree is a range of positions. Sweeping the
/// positions, a recipient counts only at the latest position it was seen at (a Fenwick tree of
/// counts by position), so once the sweep reaches the end of a subtree's range, the sum over the
/// range is its number of distinct recipients. O((relationships + units) log units) whatever the
/// tree's shape, where uniting sorted sets up the tree redid a large set for each child.
ResultColumn<std::int64_t> subtree_respondents(const Organisation& org, const BatchIndex& index,
                                               std::span<const std::uint8_t> had, std::size_t units) {
  const std::size_t bound = org.units().id_bound();
  std::vector<std::uint32_t> at, position(bound, 0), stack;  // at[k]: the unit at position k
  for (const Unit& u : org.units())
    if (!u.parent) stack.push_back(u.id.value);
  std::reverse(stack.begin(), stack.end());
  while (!stack.empty()) {
    const std::uint32_t u = stack.back();
    stack.pop_back();
    position[u] = std::uint32_t(at.size());
    at.push_back(u);
    auto children = org.children(UnitId{u});
    for (auto ch = children.rbegin(); ch != children.rend(); ++ch) stack.push_back(ch->value);
  }
  const std::size_t n = at.size();
  // Each range's last position (its last descendant's): the units, bucketed by it.
  std::vector<std::uint32_t> last(n);
  for (std::size_t k = n; k-- > 0;) {
    const std::uint32_t u = at[k];
    std::uint32_t e = std::uint32_t(k);
    for (UnitId ch : org.children(UnitId{u})) e = std::max(e, last[position[ch.value]]);
    last[k] = e;
  }
  std::vector<std::uint32_t> ending_offsets(n + 1, 0), ending(n);
  for (std::size_t k = 0; k < n; ++k) ++ending_offsets[last[k] + 1];
  std::partial_sum(ending_offsets.begin(), ending_offsets.end(), ending_offsets.begin());
  {
    std::vector<std::uint32_t> fill(ending_offsets.begin(), ending_offsets.end() - 1);
    for (std::size_t k = 0; k < n; ++k) ending[fill[last[k]]++] = std::uint32_t(k);
  }
  std::vector<std::int32_t> tree(n + 1, 0);  // Fenwick: prefix sums of counts by position
  auto add = [&](std::size_t k, std::int32_t v) {
    for (++k; k <= n; k += k & (~k + 1)) tree[k] += v;
  };
  auto before = [&](std::size_t k) {  // the sum over positions [0, k)
    std::int64_t total = 0;
    for (; k > 0; k &= k - 1) total += tree[k];
    return total;
  };
  ResultColumn<std::int64_t> out(units, 0);
  std::vector<std::uint32_t> seen(bound, none32);  // by recipient: the latest position it was seen at
  auto off = index.provided_offsets();
  auto members = index.provided_members();
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint32_t u = at[k];
    for (auto i = u + 1 < off.size() ? off[u] : 0, end = u + 1 < off.size() ? off[u + 1] : 0; i < end; ++i) {
      if (!had[members[i]]) continue;
      const std::uint32_t x = index.recipients()[members[i]];
      if (seen[x] != none32) add(seen[x], -1);
      add(k, 1);
      seen[x] = std::uint32_t(k);
    }
    const std::int64_t upto = before(k + 1);
    for (auto j = ending_offsets[k]; j < ending_offsets[k + 1]; ++j)
      if (at[ending[j]] < units) out[at[ending[j]]] = upto - before(ending[j]);
  }
  return out;
}

}  // namespace

ScoreColumns finish_subtrees(const UnitPartial& p, const Organisation& org, const BatchIndex& index,
                             const Privacy& privacy) {
  privacy.validate();
  detail::check_index(index, org);
  if (p.role != Role::provider) throw ValidationError("subtree scores need a provider-role partial");
  const std::size_t units = p.n.size();
  if (units > org.units().id_bound() || p.had.size() != index.relationship_bound())
    throw ValidationError("the unit partial does not fit this organisation");
  const bool nps = p.scale.is_nps();
  ScoreColumns c = make_columns(units, nps, false);
  c.skipped_other_scale = p.skipped_other_scale;
  // Children before parents; sums add up, respondent sets unite.
  std::vector<std::uint32_t> order;
  for (const Unit& u : org.units())
    if (!u.parent) order.push_back(u.id.value);
  for (std::size_t i = 0; i < order.size(); ++i)
    for (UnitId ch : org.children(UnitId{order[i]})) order.push_back(ch.value);
  ResultColumn<std::int64_t> n(p.n), sum(p.sum), sumsq(p.sumsq), pr(p.promoters), pa(p.passives), de(p.detractors);
  c.respondents = subtree_respondents(org, index, p.had, units);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    auto u = *it;  // its children are done: n[u] etc. now hold its subtree's sums
    c.n[u] = n[u];
    if (auto parent = org.unit(UnitId{u}).parent) {
      auto q = parent->value;
      n[q] += n[u], sum[q] += sum[u], sumsq[q] += sumsq[u], pr[q] += pr[u], pa[q] += pa[u], de[q] += de[u];
    }
  }
  // After the sweep each unit's sums are its subtree's (its own plus what its children added).
  SuppressionPlan plan;
  if (privacy.complementary) plan = detail::build_plan(org, index, p.had, p.filter, nps ? Measure::nps : Measure::score, privacy);
  for (std::uint32_t u : order) {
    Status s = detail::primary_status(c.n[u], c.respondents[u], true, privacy);
    if (s == Status::ok && privacy.complementary) s = plan.subtree(UnitId{u});
    c.status[u] = std::uint8_t(s);
  }
  fill_statistics(c, units, p.scale, nps, [&](std::size_t u) { return GroupSums{n[u], sum[u], sumsq[u], pr[u], pa[u], de[u]}; });
  return c;
}

ScoreColumns subtree_scores(const Organisation& org, const BatchIndex& index, const Filter& filter,
                            const BatchOptions& options) {
  options.privacy.validate();
  BatchOptions o = options;
  o.role = Role::provider;
  return finish_subtrees(unit_partial(org, index, filter, o), org, index, options.privacy);
}

// ------------------------------------------------------------------------------ per relationship

ScoreColumns relationship_scores(const Organisation& org, const BatchIndex& index, const Filter& filter,
                                 const BatchOptions& options) {
  detail::check_index(index, org);
  check_scale(options.scale);
  const std::size_t rels = index.relationship_bound();
  Masks m = make_masks(org, filter, options.scale);
  SumLut l = sum_lut(options.scale, options.preset);
  ResultColumn<Acc> acc(rels);
  const std::uint8_t* bond = index.bonds().data();
  const bool nps = options.scale.is_nps();
  ScoreColumns c = make_columns(rels, nps, false);
  c.skipped_other_scale = run_sum_pass(org.conversations(), m, l, [&](std::uint32_t r, v2u d) {
    if (bond_in(filter.bonds, bond[r])) add(acc[r], unpack(d));
  });
  for (std::size_t r = 0; r < rels; ++r) {
    if (!acc[r].n) continue;
    c.n[r] = std::int64_t(acc[r].n);
    c.respondents[r] = 1;
    c.status[r] = std::uint8_t(Status::ok);  // a named one-to-one score
  }
  fill_statistics(c, rels, options.scale, nps, [&acc](std::size_t r) {
    const Acc& x = acc[r];
    auto n = std::int64_t(x.n), p = std::int64_t(x.promoters), d = std::int64_t(x.detractors);
    return GroupSums{n, std::int64_t(x.sum), std::int64_t(x.sumsq), p, n - p - d, d};
  });
  return c;
}

// -------------------------------------------------------------------------------------- latest

void LatestColumns::merge(const LatestColumns& o) {
  if (o.relationship.size() != relationship.size()) throw ValidationError("latest-score columns of different sizes do not merge");
  for (std::size_t r = 0; r < relationship.size(); ++r) {
    if (o.status[r] != std::uint8_t(Status::ok)) continue;
    bool later = status[r] != std::uint8_t(Status::ok) || std::pair(o.date[r], o.conversation[r]) > std::pair(date[r], conversation[r]);
    if (!later) continue;
    status[r] = o.status[r], conversation[r] = o.conversation[r], date[r] = o.date[r];
    score[r] = o.score[r], score_normalised[r] = o.score_normalised[r];
  }
}

namespace {

using detail::LatestOut;  // by relationship, with a spare entry at the end

/// The id, date and score (and guide) of each relationship's latest counted conversation; out.id
/// stays none32 where there is none. In the clustered part a relationship's rows come in (date, id)
/// order, so a later counted row simply overwrites its relationship's entries; masks of 64 rows pick
/// the few rows worth storing. Reading the latest rows' ids and dates here, while the pass streams
/// the table, rather than in a second sweep over the relationships, saved a sixth of the call. Tail
/// rows compare (date, id).
template <bool K, bool G, bool P>
void latest_pass(const ConversationTable& t, const Masks& m, const LatestOut& out, std::uint32_t spare) {
  Effective<K, G, P> eff(m, t);
  const std::uint32_t* rel = t.relationships().data();
  const std::int32_t* date = t.dates().data();
  const std::uint32_t* id = t.ids().data();
  const std::uint8_t* score = t.scores().data();
  const std::uint32_t* guide = t.guides().data();
  // Local copies: a byte store may alias anything, so the compiler reloaded out's pointers after each.
  std::uint32_t *const out_id = out.id, *const out_guide = out.guide;
  std::int32_t* const out_date = out.date;
  std::uint8_t* const out_score = out.score;
  auto take = [=](std::uint32_t r, std::size_t row) {
    out_id[r] = id[row], out_date[r] = date[row], out_score[r] = score[row];
    if (out_guide) out_guide[r] = guide[row];
  };
  const std::size_t sorted = t.sorted_rows();
  std::size_t i = 0;
  if constexpr (!K && !G && !P)
    if (detail::vector_passes())
      i = detail::latest_blocks_avx512({rel, id, out_guide ? guide : nullptr, date, score}, sorted, out);
  // 64 rows at a time, storing only the rows that can be the last counted one of their run: a
  // counted row whose run ends with it or whose next row does not count. Later stores overwrite.
  for (; i + 64 < sorted; i += 64) {
    const std::uint64_t counted = eff.counted(i);
    for (std::uint64_t s = counted & (run_ends(rel + i) | ~(counted >> 1)); s; s &= s - 1) {
      const std::size_t k = i + std::size_t(__builtin_ctzll(s));
      take(rel[k], k);
    }
  }
  for (; i < sorted; ++i) {
    std::uint32_t skip = -std::uint32_t(eff(i) == 0xFF);  // all ones when the row does not count
    take((rel[i] & ~skip) | (spare & skip), i);
  }
  for (std::size_t i = sorted; i < t.rows(); ++i) {
    if (eff(i) == 0xFF) continue;
    const std::uint32_t r = rel[i];
    if (out_id[r] == none32 || std::pair(date[i], id[i]) > std::pair(out_date[r], out_id[r])) take(r, i);
  }
}

}  // namespace

LatestColumns latest_scores(const Organisation& org, const BatchIndex& index, const Filter& filter) {
  detail::check_index(index, org);
  const ConversationTable& t = org.conversations();
  const std::size_t rels = index.relationship_bound();
  Masks m = make_masks(org, filter, std::nullopt);
  // With one scale in use (the usual case) the guide column need not be read.
  auto scales = detail::guide_scales(org);
  std::optional<Scale> only;
  bool one_scale = true;
  for (const Guide& g : org.guides()) {
    if (only && *only != g.scale) one_scale = false;
    only = g.scale;
  }
  if (!only) only = Scale{};  // no guides, so no rows
  // The columns are written once, row by row, but for the ids, which mark the rows without data
  // (writing 27 MB of columns twice at 1.25M relationships was a seventh of the call). The pass's
  // columns have a spare entry at the end, dropped after.
  LatestColumns c;
  size_for_overwrite(rels, c.relationship, c.status, c.score_normalised);
  size_for_overwrite(rels + 1, c.date, c.score);
  c.conversation.assign(rels + 1, none32);
  ResultColumn<std::uint32_t> guides;
  if (!one_scale) size_for_overwrite(rels + 1, guides);
  const LatestOut out{c.conversation.data(), one_scale ? nullptr : guides.data(), c.date.data(), c.score.data()};
  dispatch(m, [&]<bool K, bool G, bool P>() { latest_pass<K, G, P>(t, m, out, std::uint32_t(rels)); });
  c.conversation.resize(rels), c.date.resize(rels), c.score.resize(rels);

  const std::uint8_t* bond = index.bonds().data();
  const bool all_bonds_count = (filter.bonds & all_bonds) == all_bonds;
  // Through local pointers: the compiler would otherwise reload each column's pointer after every store.
  std::uint32_t *out_rel = c.relationship.data(), *out_id = c.conversation.data();
  std::uint8_t *out_status = c.status.data(), *out_score = c.score.data();
  std::int32_t* out_date = c.date.data();
  double* out_norm = c.score_normalised.data();
  // With one scale, each score's normalised value by table: the same value, without a division per row.
  std::array<double, 256> normalised{};
  for (int x = 0; x < 256; ++x) normalised[std::size_t(x)] = only->normalise(x);
  std::size_t r = 0;
  if (detail::vector_passes() && all_bonds_count && one_scale && only->max <= 15)
    r = detail::latest_finish_avx512(rels, normalised.data(), {out_rel, out_id, out_status, out_score, out_date, out_norm});
  for (; r < rels; ++r) {
    out_rel[r] = std::uint32_t(r);
    if (out_id[r] == none32 || (!all_bonds_count && !bond_in(filter.bonds, bond[r]))) {
      out_status[r] = std::uint8_t(Status::no_data), out_id[r] = none32, out_date[r] = 0, out_score[r] = 0, out_norm[r] = 0;
      continue;
    }
    out_status[r] = std::uint8_t(Status::ok);
    out_norm[r] = one_scale ? normalised[out_score[r]] : scales[guides[r]].normalise(out_score[r]);
  }
  return c;
}

// --------------------------------------------------------------------------------------- years

void YearPartial::merge(const YearPartial& o) {
  if (o.first_year != first_year || o.last_year != last_year || o.scale != scale || o.role != role ||
      o.filter != filter || o.n.size() != n.size() || o.had_years.size() != had_years.size())
    throw ValidationError("year partials made with different options or organisations do not merge");
  for (std::size_t i = 0; i < n.size(); ++i) n[i] += o.n[i], sum[i] += o.sum[i], sumsq[i] += o.sumsq[i];
  for (std::size_t r = 0; r < had_years.size(); ++r) had_years[r] |= o.had_years[r];
  skipped_other_scale += o.skipped_other_scale;
}

namespace {

/// The year index of a date, by table: year[min(date - begin, length)]; `years` (a spare slot) outside
/// the years.
struct YearTable {
  std::vector<std::uint8_t> year;
  std::int32_t begin = 0;
  std::uint32_t length = 0;
  YearTable(int first_year, int last_year) {
    begin = Date::from_ymd(first_year, 1, 1).days;
    length = std::uint32_t(Date::from_ymd(last_year + 1, 1, 1).days - begin);
    year.assign(length + 1, std::uint8_t(last_year - first_year + 1));
    for (int y = first_year; y <= last_year; ++y)
      for (auto d = Date::from_ymd(y, 1, 1).days; d < Date::from_ymd(y + 1, 1, 1).days; ++d)
        year[std::size_t(d - begin)] = std::uint8_t(y - first_year);
  }
  std::uint8_t operator()(std::int32_t d) const {
    std::uint32_t off = std::uint32_t(d - begin);
    return year[off < length ? off : length];
  }
};

/// The year partial's columns, by unit * years + year.
struct Cells {
  std::int64_t *n, *sum, *sumsq;
};

/// A row's contribution to its year, packed in one 64-bit lane: n | sum << 12 | sum of squares << 32.
/// Emptied at least every chunk_rows rows, so n < 2^12, sum < 2^20 and sum of squares < 2^28.
inline std::uint64_t year_lane(std::uint64_t x) { return 1u | x << 12 | (x * x) << 32; }
inline void add_lane(const Cells& c, std::size_t i, std::uint64_t v) {
  c.n[i] += std::int64_t(v & 0xFFF), c.sum[i] += std::int64_t((v >> 12) & 0xFFFFF), c.sumsq[i] += std::int64_t(v >> 32);
}

/// Empties the lanes into the unit's cells. Out of line, so that the pass keeps its lanes and
/// pointers in registers.
template <int W>
[[gnu::noinline]] void add_lanes(const std::array<v2u, W>& acc, std::uint32_t unit, int years, const Cells& cells) {
  if (unit == none32) return;  // a removed relationship, which has tombstones only
  const std::size_t row = std::size_t(unit) * std::size_t(years);
  for (int y = 0; y < years; ++y)
    if (std::uint64_t v = acc[std::size_t(y / 2)][y % 2]) add_lane(cells, row + std::size_t(y), v);
}

/// The year pass. Every year has a 64-bit lane in W vectors held in registers (W = years / 2 rounded
/// up to 1, 2, 3, 4, 8 or 16), and a row adds its contribution, found by (effective score byte, year)
/// in a table, to all of them at once: zero in every lane but its year's. So there is no update per
/// row or per run in memory, and no chain of loads and stores through a small table. The lanes are
/// emptied into the target unit's cells when the unit changes (in the clustered part a unit's
/// relationships usually follow one another, so about once per unit) and at the end of every chunk.
/// A relationship's rows are contiguous there, so its year bits are gathered in a register and
/// stored, not or-ed in. (The sum passes' way, runs split by relationship and year with one update
/// each, made an update per two rows, as costly as the rows themselves.)
template <int W, bool K, bool G>
std::int64_t year_pass(const ConversationTable& t, const Masks& m, const YearTable& yt, Scale scale, int years,
                       const std::uint32_t* target, std::uint32_t* had, const Cells& cells, bool tail_only) {
  Effective<K, G, false> eff(m, t);
  const std::uint32_t* rel = t.relationships().data();
  const std::int32_t* date = t.dates().data();
  // By (effective score byte, year), in one table with a stride known at compile time (few
  // registers are left in the loop): the row's contribution in its year's lane, and its year's bit.
  // The year `years` stands for the dates outside the years and adds nothing.
  constexpr std::size_t stride = 2 * W + 1;
  struct Entry {
    std::array<v2u, W> lanes;
    std::uint64_t bit;
  };
  std::vector<Entry> lut(256 * stride, Entry{{}, 0});
  for (int x = scale.min; x <= scale.max && x < 255; ++x)
    for (int y = 0; y < years; ++y) {
      Entry& e = lut[std::size_t(x) * stride + std::size_t(y)];
      e.lanes[std::size_t(y / 2)][y % 2] = year_lane(std::uint64_t(x));
      e.bit = std::uint64_t(1) << y;
    }
  const Entry* table = lut.data();
  const std::uint8_t* year_of = yt.year.data();
  const std::int32_t begin = yt.begin;
  const std::uint32_t length = yt.length;
  std::array<v2u, W> acc{};
  auto flush = [&](std::uint32_t unit) {
    const std::array<v2u, W> out = acc;  // a copy: acc itself stays in registers
    add_lanes<W>(out, unit, years, cells);
    acc = {};
  };
  const std::size_t sorted = t.sorted_rows();
  std::uint32_t unit = sorted ? target[rel[0]] : none32, prev = none32, bits = 0;
  for (std::size_t lo = 0; lo < (tail_only ? 0 : sorted); lo += chunk_rows) {
    const std::size_t hi = std::min(sorted, lo + chunk_rows);
    for (std::size_t i = lo; i < hi; ++i) {
      const std::uint32_t r = rel[i];
      if (target[r] != unit) [[unlikely]] {
        flush(unit);
        unit = target[r];
      }
      const std::uint32_t off = std::uint32_t(date[i] - begin);
      const Entry& e = table[eff(i) * stride + year_of[off < length ? off : length]];
#pragma GCC unroll 16
      for (int w = 0; w < W; ++w) acc[std::size_t(w)] += e.lanes[std::size_t(w)];
      bits = (bits & -std::uint32_t(r == prev)) | std::uint32_t(e.bit);  // no branch: runs are short
      had[r] = bits;
      prev = r;
    }
    flush(unit);
  }
  for (std::size_t i = sorted; i < t.rows(); ++i) {  // the unsorted tail, row by row
    const std::uint32_t y = yt(date[i]);
    const Entry& e = table[eff(i) * stride + y];
    if (!e.bit) continue;
    add_lane(cells, std::size_t(target[rel[i]]) * std::size_t(years) + y, e.lanes[y / 2][y % 2]);
    had[rel[i]] |= std::uint32_t(e.bit);
  }
  return eff.skipped;
}

/// The year starts of the vector year pass: first_year .. last_year + 1.
std::vector<std::int32_t> year_starts(int first_year, int last_year) {
  std::vector<std::int32_t> starts;
  for (int y = first_year; y <= last_year + 1; ++y) starts.push_back(Date::from_ymd(y, 1, 1).days);
  return starts;
}

void check_year_partial(const Organisation& org, const BatchIndex& index, int first_year, int last_year,
                        const Filter& filter, const BatchOptions& options) {
  detail::check_index(index, org);
  check_scale(options.scale);
  detail::check_years(first_year, last_year, 32);
  if (filter.period) throw ValidationError("year_partial: the years are the periods; leave filter.period unset");
}

}  // namespace

YearPartial year_partial(const Organisation& org, const BatchIndex& index, int first_year, int last_year,
                         const Filter& filter, const BatchOptions& options) {
  check_year_partial(org, index, first_year, last_year, filter, options);
  YearPartial p;
  p.first_year = first_year, p.last_year = last_year, p.scale = options.scale, p.role = options.role, p.filter = filter;
  const int years = p.years();
  const std::size_t units = org.units().id_bound();
  const std::size_t cells = units * std::size_t(years);
  p.had_years.assign(index.relationship_bound(), 0);
  Masks m = make_masks(org, filter, options.scale);
  YearTable yt(first_year, last_year);
  const Targets targets(index, options.role, filter, std::uint32_t(units));
  const std::uint32_t* target = targets.units();
  // Updated once per unit and year at most (add_lanes), so straight into the partial's columns.
  p.n.resize(cells + std::size_t(years)), p.sum.resize(cells + std::size_t(years)), p.sumsq.resize(cells + std::size_t(years));  // and the spare unit's
  const Cells out{p.n.data(), p.sum.data(), p.sumsq.data()};
  const ConversationTable& t = org.conversations();
  std::uint32_t* had = p.had_years.data();
  // filter.period is unset (the years are the period), so only the kind and guide variants occur.
  const bool vector = years <= 8 && vector_pass(m, filter, options.scale, index, options.role);
  if (vector)
    detail::year_pass_avx512(t.relationships().data(), t.scores().data(), t.dates().data(), t.sorted_rows(), target,
                             segment_ends(index, options.role),
                             score_tables(options.scale, sum_lut(options.scale, options.preset)),
                             year_starts(first_year, last_year).data(), years, {out.n, out.sum, out.sumsq}, had);
  auto pass = [&]<int W>() {
    return dispatch(m, [&]<bool K, bool G, bool>() {
      return year_pass<W, K, G>(t, m, yt, options.scale, years, target, had, out, vector);
    });
  };
  const int w = (years + 1) / 2;
  p.skipped_other_scale = w <= 1   ? pass.template operator()<1>()
                          : w == 2 ? pass.template operator()<2>()
                          : w == 3 ? pass.template operator()<3>()
                          : w == 4 ? pass.template operator()<4>()
                          : w <= 8 ? pass.template operator()<8>()
                                   : pass.template operator()<16>();
  targets.clear_dropped(p.had_years);
  p.n.resize(cells), p.sum.resize(cells), p.sumsq.resize(cells);  // without the spare unit
  return p;
}

namespace {

/// The year columns from a unit * year table of n, sums and respondents (n and the respondents
/// moved in): statuses, means, standard deviations and each year's change.
YearColumns year_columns(int first_year, int last_year, ResultColumn<std::int64_t>&& n, const std::int64_t* sum,
                         const std::int64_t* sumsq, ResultColumn<std::int64_t>&& respondents, std::int64_t min_group) {
  YearColumns c;
  c.first_year = first_year, c.last_year = last_year;
  const int years = last_year - first_year + 1;
  const std::size_t rows = n.size(), units = rows / std::size_t(years);
  // Not zeroed before they are filled, row by row below; n and the respondents are moved in: the
  // writes to these 32 MB of columns (at 100k units and five years) are most of this function's time.
  size_for_overwrite(rows, c.unit, c.year, c.status, c.change_status, c.mean, c.sd, c.delta, c.delta_se, c.has_se);
  c.n = std::move(n), c.respondents = std::move(respondents);
  if (detail::vector_passes()) {
    detail::year_rows_avx512({c.n.data(), sum, sumsq, c.respondents.data()}, units, years, first_year, min_group,
                             {c.unit.data(), c.year.data(), c.status.data(), c.change_status.data(), c.has_se.data(),
                              c.mean.data(), c.sd.data(), c.delta.data(), c.delta_se.data()});
    return c;
  }
  // Row by row in order (unit-major), through local pointers so the compiler keeps them in registers.
  const std::int64_t *pn = c.n.data(), *pr = c.respondents.data();
  std::uint32_t* cu = c.unit.data();
  std::int32_t* cy = c.year.data();
  std::uint8_t *cs = c.status.data(), *ccs = c.change_status.data(), *chs = c.has_se.data();
  double *cm = c.mean.data(), *csd = c.sd.data(), *cd = c.delta.data(), *cse = c.delta_se.data();
  const std::int64_t k = min_group;
  // The change's standard error adds each year's sample variance over n, as trend() does; that is
  // the population variance over n - 1. Computed once per row and kept for the next year's change.
  for (std::size_t u = 0, i = 0; u < units; ++u) {
    double before = 0;  // the sample variance over n of the year before, when it is ok with n >= 2
    for (int y = 0; y < years; ++y, ++i) {
      cu[i] = std::uint32_t(u);
      cy[i] = first_year + y;
      Status st = pn[i] == 0 ? Status::no_data : pr[i] < k ? Status::suppressed : Status::ok;  // unit reports: primary only
      cs[i] = std::uint8_t(st);
      double now = 0, mean = 0, sd = 0;  // every column of the row is written
      if (st == Status::ok) {
        mean = double(sum[i]) / double(pn[i]);
        const double var = detail::variance_of(pn[i], sum[i], sumsq[i]);
        sd = std::sqrt(var);
        if (pn[i] >= 2) now = var / double(pn[i] - 1);
      }
      cm[i] = mean, csd[i] = sd;
      Status ch = Status::no_data;
      double delta = 0, se = 0;
      if (y > 0) {
        Status sb = Status(cs[i - 1]);
        ch = st == Status::no_data || sb == Status::no_data ? Status::no_data : st != Status::ok ? st : sb;
        if (ch == Status::ok) {
          delta = mean - cm[i - 1];
          if (pn[i] >= 2 && pn[i - 1] >= 2) se = std::sqrt(now + before);
        }
      }
      ccs[i] = std::uint8_t(ch), cd[i] = delta, cse[i] = se;
      chs[i] = ch == Status::ok && pn[i] >= 2 && pn[i - 1] >= 2;
      before = now;
    }
  }
  return c;
}

/// finish_years; with `take_n` (the partial's own n column) that column is moved into the result
/// instead of copied.
YearColumns finish_years(const YearPartial& p, ResultColumn<std::int64_t>* take_n, const Organisation& org,
                         const BatchIndex& index, const Privacy& privacy) {
  privacy.validate();
  detail::check_index(index, org);
  const int years = p.years();
  const std::size_t units = years > 0 ? p.n.size() / std::size_t(years) : 0;
  if (years <= 0 || units > org.units().id_bound() || p.had_years.size() != index.relationship_bound())
    throw ValidationError("the year partial does not fit this organisation");
  ResultColumn<std::int64_t> n;
  if (take_n)
    n = std::move(*take_n);
  else
    n.assign(p.n.begin(), p.n.end());
  YearColumns c = year_columns(p.first_year, p.last_year, std::move(n), p.sum.data(), p.sumsq.data(),
                               respondents_of(index, WordMarks{p.had_years.data()}, p.role, units, years),
                               privacy.min_group);
  c.skipped_other_scale = p.skipped_other_scale;
  return c;
}

}  // namespace

YearColumns finish_years(const YearPartial& p, const Organisation& org, const BatchIndex& index, const Privacy& privacy) {
  return finish_years(p, nullptr, org, index, privacy);
}

YearColumns unit_years(const Organisation& org, const BatchIndex& index, int first_year, int last_year,
                       const Filter& filter, const BatchOptions& options) {
  options.privacy.validate();
  check_year_partial(org, index, first_year, last_year, filter, options);
  const int years = last_year - first_year + 1;
  if (years <= 8 && counts_in_pass(org, index, filter, options)) {
    // Without a partial: the vector pass counts each unit's respondents per year itself, where the
    // partial must mark each relationship's years (to merge exactly) and finish_years count the
    // marks again.
    const ConversationTable& t = org.conversations();
    const std::size_t units = org.units().id_bound(), cells = units * std::size_t(years);
    ResultColumn<std::int64_t> n(cells, 0), sum(cells, 0), sumsq(cells, 0), respondents(cells, 0);
    const Targets targets(index, options.role, filter, std::uint32_t(units));  // all bonds: no copy
    detail::year_pass_avx512(t.relationships().data(), t.scores().data(), t.dates().data(), t.rows(), targets.units(),
                             segment_ends(index, options.role),
                             score_tables(options.scale, sum_lut(options.scale, options.preset)),
                             year_starts(first_year, last_year).data(), years,
                             {n.data(), sum.data(), sumsq.data(), respondents.data()}, nullptr);
    const YearTable yt(first_year, last_year);
    settle_counted_respondents(t, index, options.role, years,
                               [&](std::size_t i) { return std::uint32_t(yt(t.dates()[i])); }, respondents);
    return year_columns(first_year, last_year, std::move(n), sum.data(), sumsq.data(), std::move(respondents),
                        options.privacy.min_group);
  }
  YearPartial p = year_partial(org, index, first_year, last_year, filter, options);
  return finish_years(p, &p.n, org, index, options.privacy);
}

}  // namespace rapport::score
