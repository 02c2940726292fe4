#pragma once
// Not public. The per-row checks of conversation facts, shared by the bulk insert and the archive
// load: a flat table of live relationships and of guide scales, so a row costs a few loads.
#include <cstdint>
#include <string>
#include <vector>

#include "rapport/conversation_table.hpp"
#include "rapport/guide.hpp"
#include "rapport/table.hpp"
#include "rapport/relationship.hpp"

namespace rapport::detail {

class RowChecks {
 public:
  RowChecks(const Table<Relationship, RelationshipId>& rels, const Table<Guide, GuideId>& guides)
      : rel_live_(rels.id_bound(), 0), scales_(guides.id_bound()), guide_live_(guides.id_bound(), 0) {
    for (const Relationship& r : rels) rel_live_[r.id.value] = 1;
    for (const Guide& g : guides) scales_[g.id.value] = g.scale, guide_live_[g.id.value] = 1;
  }

  /// Why the row is invalid, or an empty string.
  std::string reason(std::uint32_t rel, std::int32_t date, std::uint8_t kind, std::uint32_t guide,
                     std::uint8_t score, std::uint8_t self) const {
    if (rel >= rel_live_.size() || !rel_live_[rel]) return "unknown relationship id " + std::to_string(rel);
    if (!Date{date}.in_range()) return "date " + std::to_string(date) + " (days since 1970-01-01) is outside the years 1-9999";
    if (kind >= conversation_kind_count) return "invalid conversation kind " + std::to_string(kind);
    if (guide >= guide_live_.size() || !guide_live_[guide]) return "unknown guide id " + std::to_string(guide);
    if (!on_scale(guide, score)) return "score " + std::to_string(score) + " is outside the guide's scale";
    if (!on_scale(guide, self)) return "self-assessment " + std::to_string(self) + " is outside the guide's scale";
    return {};
  }
  /// The same test without building a message: the fast path of a pass over millions of rows.
  bool ok(std::uint32_t rel, std::int32_t date, std::uint8_t kind, std::uint32_t guide, std::uint8_t score,
          std::uint8_t self) const {
    return rel < rel_live_.size() && rel_live_[rel] && Date{date}.in_range() && kind < conversation_kind_count &&
           guide < guide_live_.size() &&
           guide_live_[guide] && on_scale(guide, score) && on_scale(guide, self);
  }

 private:
  bool on_scale(std::uint32_t guide, std::uint8_t v) const {
    return v == ConversationTable::no_score || scales_[guide].contains(v);
  }
  std::vector<std::uint8_t> rel_live_;
  std::vector<Scale> scales_;
  std::vector<std::uint8_t> guide_live_;
};

}  // namespace rapport::detail
