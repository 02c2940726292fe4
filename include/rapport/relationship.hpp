#pragma once
/// \file Relationships: directed provider -> recipient, with a bond.
#include <cstdint>
#include <string>
#include <string_view>

#include "rapport/ids.hpp"

namespace rapport {

/// The nature of a relationship. Values are stable.
enum class Bond : std::uint8_t {
  service = 0,      ///< the provider delivers to the recipient, its customer
  cooperation = 1,  ///< peers co-producing for a shared customer; symmetric
  leadership = 2,   ///< manager -> employee; the employee is the customer of the leadership service
};
inline constexpr int bond_count = 3;

/// What the caller supplies to create a relationship.
struct RelationshipSpec {
  UnitId provider;
  UnitId recipient;
  Bond bond = Bond::service;
  std::string label;  ///< what is delivered ("payroll", "leadership", "grid connection")
};

struct Relationship : RelationshipSpec {
  RelationshipId id;
  /// The other party, seen from `u` (which must be one of the two).
  UnitId other(UnitId u) const { return u == provider ? recipient : provider; }
  bool involves(UnitId u) const { return provider == u || recipient == u; }
};

std::string_view to_string(Bond);
Bond parse_bond(std::string_view);

}  // namespace rapport
