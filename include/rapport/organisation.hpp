#pragma once
/// \file The Organisation: owns every unit, relationship, guide, conversation, agreement, complaint and
/// referral, and validates every change. A change that fails leaves the Organisation as it was, also
/// when it runs out of memory (std::bad_alloc): each mutator allocates everything it needs before its
/// first change.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rapport/agreement.hpp"
#include "rapport/complaint.hpp"
#include "rapport/conversation.hpp"
#include "rapport/conversation_table.hpp"
#include "rapport/fishbone.hpp"
#include "rapport/guide.hpp"
#include "rapport/referral.hpp"
#include "rapport/relationship.hpp"
#include "rapport/table.hpp"
#include "rapport/unit.hpp"

namespace rapport {

namespace detail {
/// Where one answer's text lies in the arena.
struct AnswerRow {
  std::uint32_t conversation = 0;
  std::uint32_t question = 0;  ///< index into the guide's questions
  std::uint64_t offset = 0;    ///< into the text arena
  std::uint32_t length = 0;
};
}  // namespace detail

/// Conversation facts in columns, for bulk insertion (a CRM's nightly sync). All spans have the same
/// length; `self_assessments` may be empty. Scores use ConversationTable::no_score for "none".
struct ConversationColumns {
  std::span<const std::uint32_t> relationships;
  std::span<const std::int32_t> dates;  ///< days since 1970-01-01
  std::span<const std::uint8_t> kinds;
  std::span<const std::uint32_t> guides;
  std::span<const std::uint8_t> scores;
  std::span<const std::uint8_t> self_assessments;
};

/// What erasing a person removed.
struct ErasureReport {
  std::size_t relationships = 0, conversations = 0, answers = 0, agreements = 0, complaints = 0,
              referrals = 0;
};

class Organisation {
 public:
  /// An empty organisation that knows the built-in guides.
  Organisation();
  Organisation(Organisation&&) noexcept;
  Organisation& operator=(Organisation&&) noexcept;
  Organisation(const Organisation&);
  Organisation& operator=(const Organisation&);
  ~Organisation();

  // --- units -----------------------------------------------------------------------------------
  UnitId add_unit(UnitSpec spec);
  void update_unit(UnitId id, UnitSpec spec);
  /// Removes a unit that nothing refers to any more (no children, relationships, agreements, referrals).
  void remove_unit(UnitId id);
  const Table<Unit, UnitId>& units() const { return units_; }
  const Unit& unit(UnitId id) const { return units_.at(id, "unit"); }
  std::optional<UnitId> find_unit(std::string_view key) const;
  /// Changes whenever a unit is added, updated or removed (as relationships_version() does for
  /// relationships). What caches of unit keys and names (the Python label columns) compare.
  std::uint64_t units_version() const { return units_version_.value; }
  std::span<const UnitId> children(UnitId id) const;
  /// The payers from `id` upward: its payer, the payer's payer, ... up to the external market.
  std::vector<UnitId> payer_chain(UnitId id) const;
  /// `id` and every unit below it in the hierarchy, parents before children.
  std::vector<UnitId> subtree(UnitId id) const;

  // --- relationships ---------------------------------------------------------------------------
  RelationshipId add_relationship(RelationshipSpec spec);
  void update_relationship(RelationshipId id, std::string label);
  /// Removes a relationship that has no conversations, complaints or referrals left.
  void remove_relationship(RelationshipId id);
  const Table<Relationship, RelationshipId>& relationships() const { return relationships_; }
  const Relationship& relationship(RelationshipId id) const { return relationships_.at(id, "relationship"); }
  /// Every relationship that involves `id`, in the order they were added.
  std::span<const RelationshipId> relationships_of(UnitId id) const;
  std::optional<RelationshipId> find_relationship(UnitId provider, UnitId recipient, Bond bond) const;
  /// Changes whenever a relationship is added or removed, to a value never used before in the process;
  /// a copy keeps its original's until either changes. What caches of the relationships
  /// (score::BatchIndex) compare.
  std::uint64_t relationships_version() const { return relationships_version_.value; }
  Fishbone fishbone(UnitId id) const;
  /// The side of `unit`'s fishbone that `rel` lies on (`unit` must be one of its parties).
  Side side_of(UnitId unit, const Relationship& rel) const;

  // --- guides ----------------------------------------------------------------------------------
  GuideId add_guide(GuideSpec spec);
  const Table<Guide, GuideId>& guides() const { return guides_; }
  const Guide& guide(GuideId id) const { return guides_.at(id, "guide"); }
  std::optional<GuideId> find_guide(std::string_view key) const;

  // --- conversations ---------------------------------------------------------------------------
  ConversationId add_conversation(const ConversationSpec& spec);
  /// Validates every row first and then inserts all of them, or none. Ids are consecutive from the
  /// returned one.
  ConversationId add_conversations(const ConversationColumns& columns);
  /// Replaces the facts and answers of a conversation; its agreements stay and take its new date.
  void update_conversation(ConversationId id, const ConversationSpec& spec);
  /// Removes a conversation with its answers and the agreements made in it.
  void remove_conversation(ConversationId id);
  const ConversationTable& conversations() const { return conversations_; }
  ConversationFacts conversation(ConversationId id) const;
  /// The answers of a conversation, in the order of its guide's questions.
  std::vector<Answer> answers(ConversationId id) const;
  std::size_t answer_count() const { return answers_.size(); }
  /// Clusters every conversation by relationship and date now (otherwise done when due).
  void compact();

  // --- agreements ------------------------------------------------------------------------------
  AgreementId add_agreement(AgreementSpec spec);
  /// Closes an open agreement as kept, broken or dropped on `date`.
  void close_agreement(AgreementId id, AgreementStatus status, Date date);
  void remove_agreement(AgreementId id);
  const Table<Agreement, AgreementId>& agreements() const { return agreements_; }
  const Agreement& agreement(AgreementId id) const { return agreements_.at(id, "agreement"); }

  // --- complaints ------------------------------------------------------------------------------
  ComplaintId add_complaint(ComplaintSpec spec);
  /// Moves a complaint on to a later step on `date`; `outcome` is required exactly when closing.
  void advance_complaint(ComplaintId id, ComplaintStage stage, Date date,
                         ComplaintOutcome outcome = ComplaintOutcome::none);
  void remove_complaint(ComplaintId id);
  const Table<Complaint, ComplaintId>& complaints() const { return complaints_; }
  const Complaint& complaint(ComplaintId id) const { return complaints_.at(id, "complaint"); }

  // --- referrals -------------------------------------------------------------------------------
  ReferralId add_referral(ReferralSpec spec);
  void set_referral_outcome(ReferralId id, ReferralOutcome outcome, Date date);
  void remove_referral(ReferralId id);
  const Table<Referral, ReferralId>& referrals() const { return referrals_; }
  const Referral& referral(ReferralId id) const { return referrals_.at(id, "referral"); }

  // --- privacy ---------------------------------------------------------------------------------
  /// Erases everything about one person: their relationships with every conversation, answer,
  /// agreement, complaint and referral on them, agreements they own, referrals naming them, and the
  /// unit itself. Erased text is overwritten in memory before it is released. Their children (if
  /// any) move up to their parent.
  ErasureReport erase_person(UnitId id);

 private:
  friend struct detail::Access;
  using AnswerRow = detail::AnswerRow;

  const Unit& live_unit(UnitId id, const char* role) const;
  std::vector<AnswerRow> check_answers(const Guide& g, const std::vector<Answer>& answers) const;
  ConversationFacts check_conversation(const ConversationSpec& spec) const;
  /// Room in the arena and the answer rows for `answers`, so that store_answers() cannot throw.
  void room_for_answers(const std::vector<Answer>& answers);
  void store_answers(ConversationId id, std::vector<AnswerRow> rows, const std::vector<Answer>& answers);
  std::size_t drop_answers(ConversationId id);  ///< wipes their text; cannot throw
  void compact_text_if_due();  ///< never throws std::bad_alloc: compaction is housekeeping
  void compact_text();  ///< rewrites the arena without wiped bytes, wiping the old one; all or nothing
  /// compact_text() into `packed`, whose capacity holds every answer's text already; cannot throw.
  void pack_text(std::string& packed);
  void drop_conversation(ConversationId id, std::size_t row);
  void rebuild_indexes();  ///< derived lookups, after a load or copy

  /// relationships_version() and units_version(). An organisation moved from is empty now, so it gets
  /// a new value.
  struct VersionStamp {
    std::uint64_t value = next();
    VersionStamp() = default;
    VersionStamp(const VersionStamp&) = default;
    VersionStamp& operator=(const VersionStamp&) = default;
    VersionStamp(VersionStamp&& o) noexcept : value(o.value) { o.value = next(); }
    VersionStamp& operator=(VersionStamp&& o) noexcept {
      value = o.value;
      o.value = next();
      return *this;
    }
    void renew() noexcept { value = next(); }
    static std::uint64_t next() noexcept;
  };
  VersionStamp relationships_version_, units_version_;
  Table<Unit, UnitId> units_;
  Table<Relationship, RelationshipId> relationships_;
  Table<Guide, GuideId> guides_;
  ConversationTable conversations_;
  std::vector<AnswerRow> answers_;  ///< sorted by (conversation id, question index)
  std::string text_;                ///< the arena every answer's text lives in
  std::size_t text_garbage_ = 0;    ///< wiped bytes of text_ no answer refers to
  Table<Agreement, AgreementId> agreements_;
  Table<Complaint, ComplaintId> complaints_;
  Table<Referral, ReferralId> referrals_;

  // Derived, never stored: rebuilt by rebuild_indexes().
  std::unordered_map<std::string, UnitId> unit_by_key_;
  std::unordered_map<std::string, GuideId> guide_by_key_;
  std::vector<std::vector<UnitId>> children_;
  std::vector<std::vector<RelationshipId>> relationships_of_;
  /// Per bond: (provider << 32 | recipient) -> relationship; cooperations under (min, max).
  std::array<std::unordered_map<std::uint64_t, RelationshipId>, bond_count> relationship_by_pair_;
};

}  // namespace rapport
