#pragma once
/// \file Strong ids: a unit id cannot be passed where a relationship id is expected.
#include <compare>
#include <cstdint>
#include <functional>
#include <limits>

namespace rapport {

/// A dense 32-bit id tagged by what it names. Ids are assigned by the Organisation and never reused.
template <class Tag>
struct Id {
  using value_type = std::uint32_t;
  static constexpr value_type invalid_value = std::numeric_limits<value_type>::max();

  value_type value = invalid_value;

  constexpr Id() = default;
  constexpr explicit Id(value_type v) : value(v) {}
  constexpr bool valid() const { return value != invalid_value; }
  friend constexpr auto operator<=>(Id, Id) = default;
};

using UnitId = Id<struct UnitTag>;
using RelationshipId = Id<struct RelationshipTag>;
using GuideId = Id<struct GuideTag>;
using ConversationId = Id<struct ConversationTag>;
using AgreementId = Id<struct AgreementTag>;
using ComplaintId = Id<struct ComplaintTag>;
using ReferralId = Id<struct ReferralTag>;

}  // namespace rapport

template <class Tag>
struct std::hash<rapport::Id<Tag>> {
  std::size_t operator()(rapport::Id<Tag> id) const noexcept { return std::hash<std::uint32_t>{}(id.value); }
};
