#pragma once
/// \file Reliability (trust): how a unit keeps the agreements it makes.
#include <cstdint>
#include <vector>

#include "rapport/score/common.hpp"

namespace rapport {
class Organisation;
}

namespace rapport::score {

/// Mergeable counts of agreements.
struct ReliabilityState {
  std::int64_t due = 0;           ///< agreements due in the period (any status)
  std::int64_t kept = 0, broken = 0, dropped = 0, open = 0;  ///< of those due, by status
  std::int64_t kept_on_time = 0;  ///< of those kept, closed on or before their due date
  std::int64_t open_overdue = 0;  ///< open agreements (due any time) whose due date is before as-of
  void merge(const ReliabilityState& o);
  friend bool operator==(const ReliabilityState&, const ReliabilityState&) = default;
};

struct ReliabilityResult {
  Status status = Status::no_data;  ///< no_data when no agreement due in the period was kept or broken
  ReliabilityState counts;
  double reliability = 0;    ///< kept / (kept + broken), 0-1
  double on_time_share = 0;  ///< kept_on_time / (kept + broken), 0-1
  /// With Options::explain: each agreement due in the period and kept or broken, value 1 (kept) or 0,
  /// contributing value/(kept+broken) to `reliability`.
  std::vector<Contribution> records;
};

ReliabilityResult reliability_of(const ReliabilityState& state);
/// Reliability at `scope` of the agreements due in `period`; open overdue counted as of `as_of`.
/// Agreements belong to: a relationship when made in one of its conversations; a unit when it owns them;
/// a side when the unit owns them and they were made on that side's relationships; a subtree when a
/// unit of it owns them. Counts of commitments, not answers: never suppressed.
ReliabilityResult reliability(const Organisation& org, const Scope& scope, Period period, Date as_of,
                              const Options& options = {});
ReliabilityState reliability_state(const Organisation& org, const Scope& scope, Period period, Date as_of);

}  // namespace rapport::score
