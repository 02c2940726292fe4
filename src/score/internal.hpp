#pragma once
// Not public. What the score sources share: scope resolution, the row predicate, row iteration over the
// clustered part and the tail, privacy decisions and the suppression planner.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "rapport/error.hpp"
#include "rapport/organisation.hpp"
#include "rapport/score/batch.hpp"
#include "rapport/score/common.hpp"
#include "rapport/score/privacy.hpp"

namespace rapport::score::detail {

inline constexpr std::uint32_t none32 = 0xFFFFFFFFu;

/// Scale of each guide id (a 0-0 scale for ids that name nothing).
std::vector<Scale> guide_scales(const Organisation& org);

/// Which rows a score counts: the filter plus what the measure needs.
struct RowFilter {
  std::array<std::uint8_t, 256> kind_ok{};  ///< by kind byte; tombstones (0xFF) never
  bool has_period = false;
  std::int32_t begin = 0, end = 0;
  std::vector<std::uint8_t> guide_ok;  ///< by guide id; empty: every guide
  bool need_score = true, need_self = false;

  bool accepts(const ConversationTable& t, std::size_t row) const {
    if (!kind_ok[t.kinds()[row]]) return false;
    if (has_period) {
      auto d = t.dates()[row];
      if (d < begin || d >= end) return false;
    }
    if (!guide_ok.empty()) {
      auto g = t.guides()[row];
      if (g >= guide_ok.size() || !guide_ok[g]) return false;
    }
    if (need_score && t.scores()[row] == ConversationTable::no_score) return false;
    if (need_self && t.self_assessments()[row] == ConversationTable::no_score) return false;
    return true;
  }
};
RowFilter row_filter(const Organisation& org, const Filter& filter, Measure measure);

/// The relationships (ascending ids) whose conversations a satisfaction-type score counts at `scope`:
/// see Scope::side_of. Throws NotFoundError for unknown ids.
std::vector<std::uint32_t> rated_relationships(const Organisation& org, const Scope& scope, std::uint8_t bonds);
/// The relationships (ascending ids) of a scope as coverage counts them: every relationship involving
/// the unit, the fishbone side as listed, every relationship involving a unit of the subtree.
std::vector<std::uint32_t> involved_relationships(const Organisation& org, const Scope& scope);

/// Calls f(row) for every live row on one of `rels` (ascending). Clustered rows come first, each
/// relationship's in (date, id) order, then the tail in physical order.
template <class F>
void for_each_row(const Organisation& org, std::span<const std::uint32_t> rels, F&& f) {
  const ConversationTable& t = org.conversations();
  if (rels.empty()) return;
  const std::size_t sorted = t.sorted_rows(), rows = t.rows();
  auto rel_col = t.relationships();
  // A large scope is one sequential pass with a membership table; a small one binary-searches.
  bool scan_all = rels.size() * 64 > sorted;
  std::vector<std::uint8_t> member;
  if (scan_all || rows - sorted > 4096) {
    member.assign(std::size_t(rels.back()) + 1, 0);
    for (auto r : rels) member[r] = 1;
  }
  auto in_scope = [&](std::uint32_t r) {
    if (!member.empty()) return r < member.size() && member[r];
    return std::binary_search(rels.begin(), rels.end(), r);
  };
  if (scan_all) {
    for (std::size_t row = 0; row < sorted; ++row)
      if (in_scope(rel_col[row]) && t.live(row)) f(row);
  } else {
    for (auto r : rels) {
      auto [lo, hi] = t.sorted_range(RelationshipId{r});
      for (auto row = lo; row < hi; ++row)
        if (t.live(row)) f(row);
    }
  }
  for (std::size_t row = sorted; row < rows; ++row)
    if (t.live(row) && in_scope(rel_col[row])) f(row);
}

/// Primary suppression.
inline Status primary_status(std::int64_t n, std::int64_t respondents, bool aggregate, const Privacy& p) {
  if (n == 0) return Status::no_data;
  if (aggregate && respondents < p.min_group) return Status::suppressed;
  return Status::ok;
}

/// The status of an aggregate at `scope` after complementary suppression, given its primary status:
/// uses options.plan when it matches, else plans (unit reports never need one).
Status with_complementary(Status primary, const Organisation& org, const Scope& scope, const Filter& filter,
                          Measure measure, const Options& options);

/// Builds the plan from per-relationship "had data" flags.
SuppressionPlan build_plan(const Organisation& org, const BatchIndex& index, std::span<const std::uint8_t> had,
                           const Filter& filter, Measure measure, const Privacy& privacy);

/// Per relationship: whether it has a row passing `rf`. One pass.
std::vector<std::uint8_t> had_rows(const Organisation& org, const RowFilter& rf);

/// The index's check, with a clear error.
void check_index(const BatchIndex& index, const Organisation& org);

/// Sorted, unique.
inline void normalise_ids(std::vector<std::uint32_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}
inline void merge_ids(std::vector<std::uint32_t>& into, const std::vector<std::uint32_t>& from) {
  std::vector<std::uint32_t> out;
  out.reserve(into.size() + from.size());
  std::set_union(into.begin(), into.end(), from.begin(), from.end(), std::back_inserter(out));
  into.swap(out);
}

/// n² times the population variance of values with sum s and sum of squares q over n, that is
/// n·q − s², computed exactly in integers and rounded once to double (0 when n <= 0).
inline double variance_numerator(std::int64_t n, std::int64_t s, std::int64_t q) {
  if (n <= 0) return 0;
  constexpr std::int64_t small = std::int64_t(1) << 31;
  if (n < small && q >= 0 && q < small && s > -small && s < small) {
    // The same exact value in 64 bits (every realistic group), without the 128-bit conversion call.
    std::int64_t num = n * q - s * s;
    return double(num < 0 ? 0 : num);
  }
  __int128 num = __int128(n) * q - __int128(s) * s;
  return double(num < 0 ? 0 : num);
}

/// Population variance of values with sum s and sum of squares q over n, from exact integers.
inline double variance_of(std::int64_t n, std::int64_t s, std::int64_t q) {
  return n <= 0 ? 0 : variance_numerator(n, s, q) / (double(n) * double(n));
}

/// Years of [first, last] as periods; checks the range.
void check_years(int first_year, int last_year, int max_years);
/// An `as_of` date must be one rapport could store (years 1-9999): scores subtract dates from it.
void check_as_of(Date as_of);

}  // namespace rapport::score::detail
