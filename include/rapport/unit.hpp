#pragma once
/// \file Units: people, teams, departments and the external parties they serve.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rapport/ids.hpp"

namespace rapport {

/// What a unit is. Values are stable (stored in archives, exposed in the C ABI).
enum class UnitKind : std::uint8_t {
  person = 0,
  team = 1,
  department = 2,
  company = 3,   ///< the organisation itself, root of its hierarchy
  customer = 4,  ///< an external customer organisation or person
  supplier = 5,  ///< an external supplier
  candidate = 6, ///< a prospective employee (a referral may name one)
  market = 7,    ///< the external market, where every payer chain ends
};
inline constexpr int unit_kind_count = 8;

/// What the caller supplies to create or update a unit.
struct UnitSpec {
  std::string key;                ///< the caller's own id (CRM, HR system); unique, not empty
  std::string name;               ///< display name
  UnitKind kind = UnitKind::team;
  std::optional<UnitId> parent;   ///< place in the hierarchy; none for a root
  std::optional<UnitId> payer;    ///< who pays for this unit's work; none means "the parent"
};

/// A unit as the Organisation holds it.
struct Unit : UnitSpec {
  UnitId id;
  /// "Who pays is the customer": the payer, by default the parent.
  std::optional<UnitId> effective_payer() const { return payer ? payer : parent; }
  bool is_external() const {
    return kind == UnitKind::customer || kind == UnitKind::supplier || kind == UnitKind::candidate ||
           kind == UnitKind::market;
  }
};

std::string_view to_string(UnitKind);
/// Parses the name `to_string` gives; throws ValidationError otherwise.
UnitKind parse_unit_kind(std::string_view);

}  // namespace rapport
