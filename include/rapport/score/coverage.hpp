#pragma once
/// \file Coverage: the share of relationships that had a conversation in the last twelve months, and
/// the overdue ones (a yearly conversation is the articles' rule).
#include <cstdint>
#include <optional>
#include <vector>

#include "rapport/score/common.hpp"

namespace rapport {
class Organisation;
}

namespace rapport::score {

/// A relationship without a conversation in the twelve months up to the as-of date.
struct Overdue {
  RelationshipId relationship;
  std::optional<Date> last;        ///< its last conversation up to the as-of date, if it ever had one
  std::int32_t days_since_last = -1;  ///< as_of - last, or -1 when it never had one
};

struct CoverageResult {
  Status status = Status::no_data;  ///< no_data when the scope has no relationships
  std::int64_t relationships = 0, covered = 0;
  double share = 0;                 ///< covered / relationships, 0-1
  std::vector<Overdue> overdue;     ///< ordered by relationship id
  /// With Options::explain: each relationship, 1 if covered else 0, contributing value/relationships.
  std::vector<Contribution> records;
};

/// Coverage at `scope` as of `as_of`: relationships of the unit (all that involve it), of a fishbone
/// side (as Organisation::fishbone lists it), of every unit of a subtree, or of the organisation; a
/// relationship is covered when it had a conversation of one of `kinds` in
/// Period::last_twelve_months(as_of). Not an aggregate of answers: never suppressed.
CoverageResult coverage(const Organisation& org, const Scope& scope, Date as_of, std::uint8_t kinds = review_kinds,
                        const Options& options = {});

/// The latest conversation date of every relationship up to and including `as_of` (a mergeable
/// "latest-by-date" state). merge() keeps the later date; both must have the same as-of date and kinds.
struct LatestDates {
  Date as_of;
  std::uint8_t kinds = review_kinds;
  std::vector<std::int32_t> days;  ///< by relationship id; INT32_MIN when none
  void merge(const LatestDates& other);
  friend bool operator==(const LatestDates&, const LatestDates&) = default;
};
LatestDates latest_dates(const Organisation& org, Date as_of, std::uint8_t kinds = review_kinds);
/// Coverage at `scope` as of `latest.as_of`, from a (possibly merged) latest-dates state.
CoverageResult coverage_of(const Organisation& org, const LatestDates& latest, const Scope& scope,
                           const Options& options = {});

}  // namespace rapport::score
