#pragma once
/// \file Queries over conversations as lazy, composable range-v3 views.
///
///     for (ConversationRef c : query::of_unit(org, payroll, Side::output)
///                              | query::of_kind(ConversationKind::customer_review)
///                              | query::in(Period::year(2025)))
///       use(c.score());
///
/// A view yields ConversationRef proxies that read the columns in place: nothing is copied, and a
/// view is valid until the Organisation changes. Sources visit the clustered rows first, then the
/// unsorted tail. This header pulls in range-v3; the rest of the model does not.
#include <range/v3/view/concat.hpp>
#include <range/v3/view/filter.hpp>
#include <range/v3/view/for_each.hpp>
#include <range/v3/view/iota.hpp>
#include <range/v3/view/transform.hpp>

#include "rapport/organisation.hpp"

namespace rapport {

/// One conversation as it lies in the column store: a table position, not a copy.
class ConversationRef {
 public:
  ConversationRef() = default;
  ConversationRef(const Organisation* org, std::size_t row) : org_(org), row_(row) {}

  ConversationId id() const { return ConversationId{table().ids()[row_]}; }
  RelationshipId relationship_id() const { return RelationshipId{table().relationships()[row_]}; }
  const Relationship& relationship() const { return org_->relationship(relationship_id()); }
  Date date() const { return Date{table().dates()[row_]}; }
  ConversationKind kind() const { return ConversationKind(table().kinds()[row_]); }
  GuideId guide_id() const { return GuideId{table().guides()[row_]}; }
  const Guide& guide() const { return org_->guide(guide_id()); }
  std::optional<int> score() const { return unpack(table().scores()[row_]); }
  std::optional<int> self_assessment() const { return unpack(table().self_assessments()[row_]); }
  ConversationFacts facts() const { return table().facts(row_); }
  std::vector<Answer> answers() const { return org_->answers(id()); }
  std::size_t row() const { return row_; }

 private:
  const ConversationTable& table() const { return org_->conversations(); }
  static std::optional<int> unpack(std::uint8_t v) {
    return v == ConversationTable::no_score ? std::nullopt : std::optional<int>(v);
  }
  const Organisation* org_ = nullptr;
  std::size_t row_ = 0;
};

namespace query {
namespace detail {
inline auto rows(std::size_t lo, std::size_t hi) { return ranges::views::iota(lo, hi); }
inline auto live_refs(const Organisation& org) {
  return ranges::views::filter([&org](std::size_t r) { return org.conversations().live(r); }) |
         ranges::views::transform([&org](std::size_t r) { return ConversationRef(&org, r); });
}
inline auto tail(const Organisation& org) { return rows(org.conversations().sorted_rows(), org.conversations().rows()); }
inline auto sorted_rows_of(const Organisation& org, RelationshipId rel) {
  auto [lo, hi] = org.conversations().sorted_range(rel);
  return rows(lo, hi);
}
}  // namespace detail

/// Every live conversation.
inline auto all(const Organisation& org) {
  return detail::rows(0, org.conversations().rows()) | detail::live_refs(org);
}

/// The conversations held on one relationship (clustered rows by binary search, then the tail).
inline auto of_relationship(const Organisation& org, RelationshipId rel) {
  org.relationship(rel);  // throws NotFoundError for an unknown id
  auto in_tail = detail::tail(org) | ranges::views::filter([&org, rel](std::size_t r) {
                   return org.conversations().relationships()[r] == rel.value;
                 });
  return ranges::views::concat(detail::sorted_rows_of(org, rel), in_tail) | detail::live_refs(org);
}

/// The conversations on the relationships of one unit, optionally only one side of its fishbone.
inline auto of_unit(const Organisation& org, UnitId unit, std::optional<Side> side = std::nullopt) {
  auto on_side = [&org, unit, side](RelationshipId rel) {
    return !side || org.side_of(unit, org.relationship(rel)) == *side;
  };
  auto clustered = ranges::views::filter(org.relationships_of(unit), on_side) |
                   ranges::views::for_each([&org](RelationshipId rel) { return detail::sorted_rows_of(org, rel); });
  // The tail is scanned once for all of the unit's relationships, not once per relationship.
  auto in_tail = detail::tail(org) | ranges::views::filter([&org, unit, on_side](std::size_t r) {
                   const Relationship& rel = org.relationship(RelationshipId{org.conversations().relationships()[r]});
                   return org.conversations().live(r) && rel.involves(unit) && on_side(rel.id);
                 });
  return ranges::views::concat(clustered, in_tail) | detail::live_refs(org);
}

// Filters: pipe any source through them.
inline auto of_kind(ConversationKind k) {
  return ranges::views::filter([k](const ConversationRef& c) { return c.kind() == k; });
}
inline auto with_guide(GuideId g) {
  return ranges::views::filter([g](const ConversationRef& c) { return c.guide_id() == g; });
}
inline auto with_bond(Bond b) {
  return ranges::views::filter([b](const ConversationRef& c) { return c.relationship().bond == b; });
}
inline auto in(Period p) {
  return ranges::views::filter([p](const ConversationRef& c) { return p.contains(c.date()); });
}
inline auto scored() {
  return ranges::views::filter([](const ConversationRef& c) { return c.score().has_value(); });
}

}  // namespace query
}  // namespace rapport
