#pragma once
/// \file Not public. Gives the persistence layer access to the Organisation's stored members.
#include "rapport/organisation.hpp"

namespace rapport::detail {

struct Access {
  static auto& units(Organisation& o) { return o.units_.slots_; }
  static auto& relationships(Organisation& o) { return o.relationships_.slots_; }
  static auto& guides(Organisation& o) { return o.guides_.slots_; }
  static auto& agreements(Organisation& o) { return o.agreements_.slots_; }
  static auto& complaints(Organisation& o) { return o.complaints_.slots_; }
  static auto& referrals(Organisation& o) { return o.referrals_.slots_; }
  static ConversationTable& conversations(Organisation& o) { return o.conversations_; }
  static auto& answers(Organisation& o) { return o.answers_; }
  static std::string& text(Organisation& o) { return o.text_; }

  // Column vectors of the conversation table, in the order the file stores them.
  static auto& ids(ConversationTable& t) { return t.ids_; }
  static auto& relationships(ConversationTable& t) { return t.relationships_; }
  static auto& dates(ConversationTable& t) { return t.dates_; }
  static auto& kinds(ConversationTable& t) { return t.kinds_; }
  static auto& guides(ConversationTable& t) { return t.guides_; }
  static auto& scores(ConversationTable& t) { return t.scores_; }
  static auto& self_assessments(ConversationTable& t) { return t.self_; }

  /// After the stored members were filled from a file: checks every invariant the Organisation's
  /// mutators guarantee (references resolve, scores on scale, dates ordered, no cycles, the table
  /// clustered, answers inside the arena, ...) and rebuilds the derived indexes. Throws FormatError
  /// (code corrupt) on the first violation, naming it. `id_slots` is the stored conversation id bound.
  static void finish_load(Organisation& o, std::uint32_t conversation_id_slots);

  /// A copy of `o` whose conversation table is compact (sorted, no tombstones), as files store it.
  static Organisation compacted(const Organisation& o);
};

}  // namespace rapport::detail
