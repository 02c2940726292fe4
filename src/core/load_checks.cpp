// Everything a file could get wrong that the Organisation's mutators would have refused. A crafted
// archive can carry a valid checksum, so a load trusts nothing until these checks pass.
#include <algorithm>
#include <string>

#include "rapport/detail/access.hpp"
#include "rapport/error.hpp"
#include "row_checks.hpp"

namespace rapport::detail {
namespace {

[[noreturn]] void corrupt(const std::string& what) { throw FormatError("corrupt archive: " + what); }

template <class T>
void check_slot_ids(const std::vector<std::optional<T>>& slots, const char* what) {
  for (std::size_t i = 0; i < slots.size(); ++i)
    if (slots[i] && slots[i]->id.value != i) corrupt(std::string(what) + " in slot " + std::to_string(i) + " has another id");
}

template <class E>
void check_enum(E e, int count, const char* what) {
  if (int(e) >= count) corrupt(std::string("invalid ") + what + " " + std::to_string(int(e)));
}

/// The first row not strictly after the one before it in (relationship, date, id) order, or rows().
std::size_t first_out_of_order(const ConversationTable& t) {
  const std::size_t n = t.rows();
  const auto rel = t.relationships(), id = t.ids();
  const auto date = t.dates();
  auto key = [&](std::size_t r) { return std::uint64_t(rel[r]) << 32 | (std::uint32_t(date[r]) ^ 0x80000000u); };
  auto after = [&](std::size_t r) {
    const auto a = key(r - 1), b = key(r);
    return (a < b) | ((a == b) & (id[r - 1] < id[r]));
  };
  return first_failing(1, n, after);  // n when n < 2
}

/// The first row whose id an earlier row has, or rows(). The id index is left to the first lookup
/// (scores need none), so a bitmap of the id range answers instead, a few bits per row where ids are
/// dense; where they are sparse (many deletions) the index is built, whose pages follow the live ids.
std::size_t first_repeated_id(const ConversationTable& t) {
  const auto ids = t.ids();
  const std::uint64_t bound = t.id_bound();
  if (bound > 64 * std::uint64_t(ids.size()) + (1u << 16)) {
    RowIndex index;
    index.resize(t.id_bound());
    return index.assign(ids, t.kinds());
  }
  std::vector<std::uint64_t> seen((bound + 63) / 64, 0);
  for (std::size_t r = 0; r < ids.size(); ++r) {
    std::uint64_t& word = seen[ids[r] >> 6];
    const std::uint64_t bit = std::uint64_t(1) << (ids[r] & 63);
    if (word & bit) return r;
    word |= bit;
  }
  return ids.size();
}

}  // namespace

void Access::finish_load(Organisation& o, std::uint32_t conversation_id_slots) {
  auto& units = o.units_.slots_;
  auto& rels = o.relationships_.slots_;
  auto& guides = o.guides_.slots_;
  auto live_unit = [&](std::optional<UnitId> u) { return u && u->value < units.size() && units[u->value]; };
  auto live_rel = [&](RelationshipId r) { return r.value < rels.size() && rels[r.value]; };
  auto live_guide = [&](std::uint32_t g) { return g < guides.size() && guides[g]; };
  if (units.size() >= UnitId::invalid_value || rels.size() >= RelationshipId::invalid_value) corrupt("too many records");

  check_slot_ids(units, "unit");
  for (const auto& u : units) {
    if (!u) continue;
    if (u->key.empty()) corrupt("unit " + std::to_string(u->id.value) + " without a key");
    check_enum(u->kind, unit_kind_count, "unit kind");
    if ((u->parent && !live_unit(u->parent)) || (u->payer && !live_unit(u->payer)))
      corrupt("unit '" + u->key + "' refers to a missing unit");
  }
  // Parent and payer chains must end. Each unit is walked up only until a unit already known to reach
  // the top, so the check is linear even for a hierarchy 100 000 deep; meeting a unit of the walk in
  // progress is a cycle.
  auto check_chains = [&](auto next, const char* what) {
    enum : std::uint8_t { unseen, on_walk, ends };
    std::vector<std::uint8_t> state(units.size(), unseen);
    std::vector<std::uint32_t> walk;
    for (const auto& u : units) {
      if (!u) continue;
      walk.clear();
      for (std::optional<UnitId> p = u->id; p && state[p->value] != ends; p = next(*units[p->value])) {
        if (state[p->value] == on_walk) corrupt(std::string(what) + " cycle through unit '" + u->key + "'");
        state[p->value] = on_walk;
        walk.push_back(p->value);
      }
      for (auto w : walk) state[w] = ends;
    }
  };
  check_chains([](const Unit& u) { return u.parent; }, "hierarchy");
  check_chains([](const Unit& u) { return u.effective_payer(); }, "payer");

  check_slot_ids(guides, "guide");
  for (std::uint32_t g = 0; g < 3; ++g)
    if (!live_guide(g) || !guides[g]->builtin) corrupt("built-in guide " + std::to_string(g) + " missing");
  for (const auto& g : guides) {
    if (!g) continue;
    if (g->scale.min >= g->scale.max || g->scale.max >= ConversationTable::no_score) corrupt("guide '" + g->key + "' has an invalid scale");
    check_enum(g->kind, conversation_kind_count, "conversation kind");
    if (g->key.empty()) corrupt("guide " + std::to_string(g->id.value) + " without a key");
    for (std::size_t i = 0; i < g->questions.size(); ++i) {
      if (g->questions[i].key.empty()) corrupt("guide '" + g->key + "' has a question without a key");
    }
    std::vector<std::string_view> keys(g->questions.size());
    for (std::size_t i = 0; i < keys.size(); ++i) keys[i] = g->questions[i].key;
    std::sort(keys.begin(), keys.end());
    if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) corrupt("guide '" + g->key + "' repeats a question key");
  }

  check_slot_ids(rels, "relationship");
  for (const auto& r : rels) {
    if (!r) continue;
    if (!live_unit(r->provider) || !live_unit(r->recipient)) corrupt("relationship " + std::to_string(r->id.value) + " refers to a missing unit");
    if (r->provider == r->recipient) corrupt("relationship " + std::to_string(r->id.value) + " of a unit with itself");
    check_enum(r->bond, bond_count, "bond");
  }

  // Conversations: equal columns, no tombstones, valid references, clustered order.
  ConversationTable& t = o.conversations_;
  const std::size_t n = t.ids_.size();
  if (t.relationships_.size() != n || t.dates_.size() != n || t.kinds_.size() != n || t.guides_.size() != n ||
      t.scores_.size() != n || t.self_.size() != n)
    corrupt("conversation columns differ in length");
  if (conversation_id_slots == ConversationTable::no_row || n > conversation_id_slots) corrupt("conversation id bound too small");
  const RowChecks checks(o.relationships_, o.guides_);
  if (const auto r = checks.first_bad(n, t.relationships_.data(), t.dates_.data(), t.kinds_.data(), t.guides_.data(),
                                      t.scores_.data(), t.self_.data());
      r != n)
    corrupt("conversation " + std::to_string(t.ids_[r]) + ": " +
            checks.reason(t.relationships_[r], t.dates_[r], t.kinds_[r], t.guides_[r], t.scores_[r], t.self_[r]));
  if (const auto r = first_out_of_order(t); r != n) corrupt("conversations out of order at row " + std::to_string(r));
  for (std::uint32_t id : t.ids_)
    if (id >= conversation_id_slots) corrupt("conversation id " + std::to_string(id) + " beyond the id bound");
  t.next_id_ = conversation_id_slots;
  t.sorted_ = t.live_ = n;
  t.row_of_.drop();
  if (const auto r = first_repeated_id(t); r != n) corrupt("conversation id " + std::to_string(t.ids_[r]) + " repeated");

  // Answers: sorted, inside the arena, on questions their guide has.
  for (std::size_t i = 0; i < o.answers_.size(); ++i) {
    const AnswerRow& a = o.answers_[i];
    auto row = t.row_of(ConversationId{a.conversation});
    if (!row) corrupt("answer for a missing conversation");
    // Strictly ordered by (conversation, question): a question answered twice would be a tie.
    if (i > 0 && std::pair(o.answers_[i - 1].conversation, o.answers_[i - 1].question) >= std::pair(a.conversation, a.question))
      corrupt("answers out of order or a question answered twice");
    if (a.question >= guides[t.guides_[*row]]->questions.size()) corrupt("answer to a missing question");
    if (a.offset > o.text_.size() || a.length > o.text_.size() - a.offset) corrupt("answer text outside the arena");
  }
  o.text_garbage_ = 0;

  check_slot_ids(o.agreements_.slots_, "agreement");
  for (const auto& a : o.agreements_.slots_) {
    if (!a) continue;
    auto row = t.row_of(a->conversation);
    if (!row || !live_unit(a->owner)) corrupt("agreement " + std::to_string(a->id.value) + " refers to a missing record");
    check_enum(a->status, agreement_status_count, "agreement status");
    if (a->made.days != t.dates_[*row] || a->due < a->made || !a->due.in_range() || (a->closed && !a->closed->in_range()))
      corrupt("agreement " + std::to_string(a->id.value) + " has inconsistent dates");
    if ((a->status == AgreementStatus::open) != !a->closed || (a->closed && *a->closed < a->made))
      corrupt("agreement " + std::to_string(a->id.value) + " has an inconsistent closing");
  }
  check_slot_ids(o.complaints_.slots_, "complaint");
  for (const auto& c : o.complaints_.slots_) {
    if (!c) continue;
    if (!live_rel(c->relationship)) corrupt("complaint " + std::to_string(c->id.value) + " refers to a missing relationship");
    check_enum(c->severity, 4, "severity");
    check_enum(c->outcome, 4, "complaint outcome");
    if (c->steps[0] != c->received) corrupt("complaint " + std::to_string(c->id.value) + " without its received date");
    Date last = c->received;
    for (const auto& step : c->steps)
      if (step) {
        if (*step < last || !step->in_range())
          corrupt("complaint " + std::to_string(c->id.value) + " has steps out of order or out of range");
        last = *step;
      }
    if (c->is_open() != (c->outcome == ComplaintOutcome::none)) corrupt("complaint " + std::to_string(c->id.value) + " has an inconsistent outcome");
  }
  check_slot_ids(o.referrals_.slots_, "referral");
  for (const auto& x : o.referrals_.slots_) {
    if (!x) continue;
    if (!live_rel(x->relationship) || (x->referred && !live_unit(x->referred)))
      corrupt("referral " + std::to_string(x->id.value) + " refers to a missing record");
    check_enum(x->target, 2, "referral target");
    check_enum(x->outcome, 3, "referral outcome");
    if ((x->outcome == ReferralOutcome::pending) != !x->closed || (x->closed && *x->closed < x->date) ||
        !x->date.in_range() || (x->closed && !x->closed->in_range()))
      corrupt("referral " + std::to_string(x->id.value) + " has an inconsistent outcome");
  }

  // Live counts follow from the slots.
  auto count = [](const auto& slots) { return std::size_t(std::count_if(slots.begin(), slots.end(), [](const auto& s) { return s.has_value(); })); };
  o.units_.live_ = count(units);
  o.relationships_.live_ = count(rels);
  o.guides_.live_ = count(guides);
  o.agreements_.live_ = count(o.agreements_.slots_);
  o.complaints_.live_ = count(o.complaints_.slots_);
  o.referrals_.live_ = count(o.referrals_.slots_);

  // Duplicate keys and relationships would break lookups: rebuild the indexes and compare sizes.
  o.rebuild_indexes();
  if (o.unit_by_key_.size() != o.units_.live_) corrupt("duplicate unit keys");
  if (o.guide_by_key_.size() != o.guides_.live_) corrupt("duplicate guide keys");
  std::size_t pairs = 0;
  for (const auto& m : o.relationship_by_pair_) pairs += m.size();
  if (pairs != o.relationships_.live_) corrupt("duplicate relationships");
}

Organisation Access::compacted(const Organisation& o) {
  Organisation copy(o);
  copy.compact();
  return copy;
}

}  // namespace rapport::detail
