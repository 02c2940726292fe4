#pragma once
// Not public. Collecting satisfaction-type states over a scope, shared by stats, NPS, CSAT, trend, health.
#include <cstddef>
#include <span>
#include <vector>

#include "rapport/organisation.hpp"
#include "rapport/score/privacy.hpp"
#include "rapport/score/stats.hpp"

namespace rapport::score::detail {

struct Collected {
  SatisfactionState state;
  std::vector<std::size_t> rows;  ///< the rows counted, when asked for
};
/// The state of `measure`'s rows at `scope`.
Collected collect(const Organisation& org, const Scope& scope, const Filter& filter, Measure measure, bool keep_rows);
/// The same over explicit relationships (ascending ids); the filter's bonds are not applied.
Collected collect(const Organisation& org, std::span<const std::uint32_t> rels, const Filter& filter, Measure measure,
                  bool keep_rows);
/// Records of a mean: each row's score and normalised share.
void explain_mean(const Organisation& org, const std::vector<std::size_t>& rows, std::int64_t n,
                  std::vector<Contribution>& out);
/// Records of a difference of two means (a - b): a's rows as explain_mean, then b's with negated shares.
void explain_difference(const Organisation& org, const std::vector<std::size_t>& rows_a, std::int64_t n_a,
                        const std::vector<std::size_t>& rows_b, std::int64_t n_b, std::vector<Contribution>& out);
/// Keeps only status, n and respondents.
void withhold(SatisfactionStats& s, Status status);

}  // namespace rapport::score::detail
