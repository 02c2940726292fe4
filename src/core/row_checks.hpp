#pragma once
// Not public. The per-row checks of conversation facts, shared by the bulk insert and the archive
// load: a flat table of live relationships and of guide scales, so a row costs a few loads.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "rapport/conversation_table.hpp"
#include "rapport/guide.hpp"
#include "rapport/table.hpp"
#include "rapport/relationship.hpp"

namespace rapport::detail {

/// The first i in [begin, end) for which ok(i) is false, or end. Blocks of rows are tested without a
/// branch per row; only a failing block is searched.
template <class Ok>
std::size_t first_failing(std::size_t begin, std::size_t end, Ok&& ok) {
  constexpr std::size_t block = 1024;
  for (std::size_t lo = begin; lo < end; lo += block) {
    const std::size_t hi = std::min(end, lo + block);
    bool good = true;
    for (std::size_t i = lo; i < hi; ++i) good &= ok(i);
    if (good) continue;
    for (std::size_t i = lo; i < hi; ++i)
      if (!ok(i)) return i;
  }
  return end;
}

class RowChecks {
 public:
  RowChecks(const Table<Relationship, RelationshipId>& rels, const Table<Guide, GuideId>& guides)
      : rel_live_(std::size_t(rels.id_bound()) + 1, 0), guide_(std::size_t(guides.id_bound()) + 1, 0) {
    // One slot more than the ids: out-of-range ids are clamped to it, and it is never live.
    for (const Relationship& r : rels) rel_live_[r.id.value] = 1;
    for (const Guide& g : guides) guide_[g.id.value] = live_bit | std::uint32_t(g.scale.min) << 8 | std::uint32_t(g.scale.max - g.scale.min);
  }

  /// Why the row is invalid, or an empty string.
  std::string reason(std::uint32_t rel, std::int32_t date, std::uint8_t kind, std::uint32_t guide,
                     std::uint8_t score, std::uint8_t self) const {
    if (!rel_live_[clamp(rel, rel_live_)]) return "unknown relationship id " + std::to_string(rel);
    if (!Date{date}.in_range()) return "date " + std::to_string(date) + " (days since 1970-01-01) is outside the years 1-9999";
    if (kind >= conversation_kind_count) return "invalid conversation kind " + std::to_string(kind);
    const std::uint32_t g = guide_[clamp(guide, guide_)];
    if (!(g & live_bit)) return "unknown guide id " + std::to_string(guide);
    if (!on_scale(g, score)) return "score " + std::to_string(score) + " is outside the guide's scale";
    if (!on_scale(g, self)) return "self-assessment " + std::to_string(self) + " is outside the guide's scale";
    return {};
  }
  /// The same test without building a message, and without a branch.
  bool ok(std::uint32_t rel, std::int32_t date, std::uint8_t kind, std::uint32_t guide, std::uint8_t score,
          std::uint8_t self) const {
    const std::uint32_t g = guide_[clamp(guide, guide_)];
    return rel_live_[clamp(rel, rel_live_)] & (std::uint32_t(date) - std::uint32_t(Date::min_days) <= date_span) &
           (kind < conversation_kind_count) & (g >> 16) & on_scale(g, score) & on_scale(g, self);
  }
  /// The first of the rows [0, n) that fails ok(), or n. `self` may be null (no self-assessments).
  std::size_t first_bad(std::size_t n, const std::uint32_t* rel, const std::int32_t* date, const std::uint8_t* kind,
                        const std::uint32_t* guide, const std::uint8_t* score, const std::uint8_t* self) const {
    return first_failing(0, n, [&](std::size_t i) {
      return ok(rel[i], date[i], kind[i], guide[i], score[i], self ? self[i] : ConversationTable::no_score);
    });
  }

 private:
  static constexpr std::uint32_t date_span = std::uint32_t(Date::max_days - Date::min_days);
  static constexpr std::uint32_t live_bit = 1u << 16;
  template <class T>
  static std::uint32_t clamp(std::uint32_t id, const std::vector<T>& table) {
    return std::min(id, std::uint32_t(table.size() - 1));
  }
  /// `g` is a guide's entry: the score is none, or its distance from the scale's minimum is within the span.
  static bool on_scale(std::uint32_t g, std::uint8_t v) {
    return (v == ConversationTable::no_score) | (std::uint8_t(v - std::uint8_t(g >> 8)) <= std::uint8_t(g));
  }
  std::vector<std::uint8_t> rel_live_;
  std::vector<std::uint32_t> guide_;  ///< by guide id: live_bit | scale minimum << 8 | scale span
};

}  // namespace rapport::detail
