#pragma once
/// \file Local optimiser: a unit that looks good upward while harming the fabric around it.
#include <cstdint>
#include <optional>
#include <vector>

#include "rapport/score/common.hpp"

namespace rapport {
class Organisation;
}

namespace rapport::score {

struct LocalOptimiserOptions {
  double min_index = 20.0;  ///< "large": index of at least this many normalised points (2 on 0-10)
  double min_z = 1.96;      ///< "significant": index / se at least this (two-sided 5 %)
  /// Leave the payer chain's relationships out of the fabric mean. The definition takes the mean of the
  /// whole throughput and output sides, which include the payer, so the default is false.
  bool exclude_payer_from_fabric = false;
};

struct LocalOptimiserResult {
  Status status = Status::no_data;  ///< no_data unless both the payer chain and the fabric rated the unit
  std::int64_t n_payer = 0, n_fabric = 0, respondents_fabric = 0;
  double payer_mean = 0;   ///< normalised mean rating from the payer chain
  double fabric_mean = 0;  ///< normalised mean rating from the throughput and output sides
  double index = 0;        ///< payer_mean - fabric_mean
  /// Standard error of the index from the pooled sample variance of both groups (needs n_payer +
  /// n_fabric >= 3); absent otherwise.
  std::optional<double> se;
  bool flagged = false;  ///< index >= min_index and index / se >= min_z (se == 0 counts as significant)
  /// With Options::explain: payer-chain conversations +x/n_payer, fabric ones -x/n_fabric (normalised).
  std::vector<Contribution> records;
};

/// The local optimiser index of `unit`. Ratings the unit gets are scores on relationships it provides;
/// the payer chain's are those whose recipient is on Organisation::payer_chain(unit). The fabric mean is
/// an aggregate (privacy applies); the payer's rating is a named score.
LocalOptimiserResult local_optimiser(const Organisation& org, UnitId unit, const Filter& filter = {},
                                     const LocalOptimiserOptions& lo = {}, const Options& options = {});

/// All units at once, as columns by unit id.
struct LocalOptimiserColumns {
  std::vector<std::uint32_t> unit;
  std::vector<std::uint8_t> status;  ///< Status
  std::vector<std::int64_t> n_payer, n_fabric, respondents_fabric;
  std::vector<double> payer_mean, fabric_mean, index, se;
  std::vector<std::uint8_t> has_se, flagged;
};
LocalOptimiserColumns local_optimisers(const Organisation& org, const Filter& filter = {},
                                       const LocalOptimiserOptions& lo = {}, const Options& options = {});

}  // namespace rapport::score
