#pragma once
/// \file The fishbone (performance fabric) of a unit: input, throughput and output.
#include <vector>

#include "rapport/ids.hpp"

namespace rapport {

/// Which bone of a unit's fishbone a relationship lies on.
enum class Side : std::uint8_t {
  input = 0,       ///< the unit is the recipient: its suppliers, its leader
  throughput = 1,  ///< a cooperation: colleagues it co-produces with
  output = 2,      ///< the unit is the provider: its customers, its employees (of its leadership)
};

struct Fishbone {
  UnitId unit;
  std::vector<RelationshipId> input;
  std::vector<RelationshipId> throughput;
  std::vector<RelationshipId> output;

  const std::vector<RelationshipId>& side(Side s) const {
    return s == Side::input ? input : s == Side::throughput ? throughput : output;
  }
};

}  // namespace rapport
