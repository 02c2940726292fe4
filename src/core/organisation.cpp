#include "rapport/organisation.hpp"

#include <atomic>
#include <string.h>  // explicit_bzero

#include <algorithm>
#include <new>

#include "rapport/detail/access.hpp"
#include "rapport/error.hpp"
#include "row_checks.hpp"

namespace rapport {
namespace {

/// Overwrites a string's whole buffer before releasing it, so erased personal data does not linger.
void wipe(std::string& s) {
  s.resize(s.capacity());
  explicit_bzero(s.data(), s.size());
  s.clear();
  s.shrink_to_fit();
}

std::uint64_t pair_key(std::uint32_t a, std::uint32_t b) { return (std::uint64_t(a) << 32) | b; }
std::uint64_t pair_key(const RelationshipSpec& r) {
  if (r.bond == Bond::cooperation)  // symmetric: one key for both directions
    return pair_key(std::min(r.provider.value, r.recipient.value), std::max(r.provider.value, r.recipient.value));
  return pair_key(r.provider.value, r.recipient.value);
}

/// Makes sure one more element fits without reallocating, growing geometrically (an exact
/// reserve(size() + 1) per insert would copy the whole vector every time).
template <class V>
void room_for_one(V& v) {
  if (v.size() == v.capacity()) v.reserve(std::max<std::size_t>(4, 2 * v.capacity()));
}

/// Makes sure `n` elements fit without reallocating, growing geometrically as well.
template <class V>
void room_for(V& v, std::size_t n) {
  if (n > v.capacity()) v.reserve(std::max(n, 2 * v.capacity()));
}

/// Children are kept in id order, so the order is the same after a save and a load.
void insert_child(std::vector<UnitId>& children, UnitId c) {
  children.insert(std::lower_bound(children.begin(), children.end(), c), c);
}

void check_date(Date d, const char* what) {
  if (!d.in_range())
    throw ValidationError(std::string(what) + " " + std::to_string(d.days) +
                          " (days since 1970-01-01) is outside the years 1-9999");
}

template <class E>
void check_enum(E e, int count, const char* what) {
  if (int(e) >= count) throw ValidationError(std::string("invalid ") + what + " value " + std::to_string(int(e)));
}

}  // namespace

Organisation::Organisation() {
  for (const auto& spec : builtin_guides()) {
    Guide g;
    static_cast<GuideSpec&>(g) = spec;
    g.builtin = true;
    guides_.insert(std::move(g));
  }
  rebuild_indexes();
}
std::uint64_t Organisation::VersionStamp::next() noexcept {
  static std::atomic<std::uint64_t> counter{1};
  return counter.fetch_add(1, std::memory_order_relaxed);
}

Organisation::Organisation(Organisation&&) noexcept = default;
Organisation& Organisation::operator=(Organisation&&) noexcept = default;
Organisation::Organisation(const Organisation&) = default;
// Copy and swap: a member-wise assignment that ran out of memory half-way would leave a mixture.
Organisation& Organisation::operator=(const Organisation& other) {
  if (this != &other) {
    Organisation copy(other);
    *this = std::move(copy);
  }
  return *this;
}
Organisation::~Organisation() = default;

// ------------------------------------------------------------------------------------------ units

const Unit& Organisation::live_unit(UnitId id, const char* role) const {
  if (!units_.contains(id)) throw NotFoundError(std::string("unknown ") + role + " unit id " + std::to_string(id.value));
  return *units_.find(id);
}

std::optional<UnitId> Organisation::find_unit(std::string_view key) const {
  auto it = unit_by_key_.find(std::string(key));
  return it == unit_by_key_.end() ? std::nullopt : std::optional(it->second);
}

std::span<const UnitId> Organisation::children(UnitId id) const {
  live_unit(id, "");
  return id.value < children_.size() ? std::span<const UnitId>(children_[id.value]) : std::span<const UnitId>();
}

std::vector<UnitId> Organisation::payer_chain(UnitId id) const {
  std::vector<UnitId> chain;
  for (auto p = live_unit(id, "").effective_payer(); p && chain.size() <= units_.size(); p = unit(*p).effective_payer())
    chain.push_back(*p);
  return chain;
}

std::vector<UnitId> Organisation::subtree(UnitId id) const {
  live_unit(id, "");
  std::vector<UnitId> out{id};
  for (std::size_t i = 0; i < out.size(); ++i)
    for (UnitId c : children_[out[i].value]) out.push_back(c);
  return out;
}

UnitId Organisation::add_unit(UnitSpec spec) {
  Unit u;
  static_cast<UnitSpec&>(u) = std::move(spec);
  u.id = units_.next_id();
  if (u.key.empty()) throw ValidationError("a unit needs a key");
  if (unit_by_key_.count(u.key)) throw ValidationError("duplicate unit key '" + u.key + "'", ErrorCode::duplicate);
  check_enum(u.kind, unit_kind_count, "unit kind");
  if (u.parent) live_unit(*u.parent, "parent");
  if (u.payer) live_unit(*u.payer, "payer");
  if (u.name.empty()) u.name = u.key;
  // Everything that can fail to allocate happens before the first change, so that running out of
  // memory leaves the organisation as it was; the steps after the key entry cannot throw.
  room_for_one(units_.slots_);
  room_for_one(children_);
  room_for_one(relationships_of_);
  if (u.parent) room_for_one(children_[u.parent->value]);
  unit_by_key_.emplace(u.key, u.id);
  const std::optional<UnitId> parent = u.parent;
  const UnitId id = units_.insert(std::move(u));
  children_.emplace_back();
  relationships_of_.emplace_back();
  if (parent) insert_child(children_[parent->value], id);
  units_version_.renew();
  return id;
}

void Organisation::update_unit(UnitId id, UnitSpec spec) {
  const Unit& old = live_unit(id, "");
  if (spec.key.empty()) throw ValidationError("a unit needs a key");
  if (spec.key != old.key && unit_by_key_.count(spec.key))
    throw ValidationError("duplicate unit key '" + spec.key + "'", ErrorCode::duplicate);
  check_enum(spec.kind, unit_kind_count, "unit kind");
  if (spec.parent) live_unit(*spec.parent, "parent");
  if (spec.payer) live_unit(*spec.payer, "payer");
  // Neither the hierarchy nor the payer chain may loop back to this unit.
  for (auto p = spec.parent; p; p = unit(*p).parent)
    if (*p == id) throw ValidationError("hierarchy cycle: unit '" + old.key + "' would be its own ancestor", ErrorCode::conflict);
  for (auto p = spec.payer ? spec.payer : spec.parent; p; p = unit(*p).effective_payer())
    if (*p == id) throw ValidationError("payer cycle: unit '" + old.key + "' would pay itself", ErrorCode::conflict);

  if (spec.name.empty()) spec.name = spec.key;
  Unit& u = units_.slot(id);
  // Allocate first (room among the new parent's children, the new key's entry), then change only
  // what cannot throw (see add_unit).
  const bool moves = spec.parent != u.parent;
  if (moves && spec.parent) room_for_one(children_[spec.parent->value]);
  if (spec.key != u.key) {
    unit_by_key_.emplace(spec.key, id);  // the last step that can throw
    unit_by_key_.erase(u.key);
  }
  if (moves) {
    if (u.parent) std::erase(children_[u.parent->value], id);
    if (spec.parent) insert_child(children_[spec.parent->value], id);
  }
  static_cast<UnitSpec&>(u) = std::move(spec);
  units_version_.renew();
}

void Organisation::remove_unit(UnitId id) {
  const Unit& u = live_unit(id, "");
  auto refuse = [&](const std::string& why) {
    throw ValidationError("cannot remove unit '" + u.key + "': " + why, ErrorCode::conflict);
  };
  if (!children_[id.value].empty()) refuse("it has " + std::to_string(children_[id.value].size()) + " child units");
  if (!relationships_of_[id.value].empty())
    refuse("it has " + std::to_string(relationships_of_[id.value].size()) + " relationships");
  for (const Unit& other : units_)
    if (other.payer == id) refuse("unit '" + other.key + "' names it as payer");
  for (const Agreement& a : agreements_)
    if (a.owner == id) refuse("it owns agreement " + std::to_string(a.id.value));
  for (const Referral& r : referrals_)
    if (r.referred == id) refuse("referral " + std::to_string(r.id.value) + " names it");
  if (u.parent) std::erase(children_[u.parent->value], id);
  unit_by_key_.erase(u.key);
  units_.erase(id);
  units_version_.renew();
}

// ---------------------------------------------------------------------------------- relationships

std::span<const RelationshipId> Organisation::relationships_of(UnitId id) const {
  live_unit(id, "");
  return relationships_of_[id.value];
}

std::optional<RelationshipId> Organisation::find_relationship(UnitId provider, UnitId recipient, Bond bond) const {
  if (int(bond) >= bond_count) return std::nullopt;
  const auto& map = relationship_by_pair_[int(bond)];
  auto it = map.find(pair_key(RelationshipSpec{provider, recipient, bond, {}}));
  return it == map.end() ? std::nullopt : std::optional(it->second);
}

RelationshipId Organisation::add_relationship(RelationshipSpec spec) {
  live_unit(spec.provider, "provider");
  live_unit(spec.recipient, "recipient");
  check_enum(spec.bond, bond_count, "bond");
  if (spec.provider == spec.recipient)
    throw ValidationError("a unit cannot have a relationship with itself (unit '" + unit(spec.provider).key + "')");
  auto key = pair_key(spec);
  auto& map = relationship_by_pair_[int(spec.bond)];
  if (auto it = map.find(key); it != map.end())
    throw ValidationError("duplicate relationship: " + std::string(to_string(spec.bond)) + " between '" +
                              unit(spec.provider).key + "' and '" + unit(spec.recipient).key +
                              "' already exists as relationship " + std::to_string(it->second.value),
                          ErrorCode::duplicate);
  Relationship r;
  static_cast<RelationshipSpec&>(r) = std::move(spec);
  // Allocate first, then change what cannot throw (see add_unit).
  room_for_one(relationships_.slots_);
  room_for_one(relationships_of_[r.provider.value]);
  room_for_one(relationships_of_[r.recipient.value]);
  const RelationshipId id = relationships_.next_id();
  map.emplace(key, id);
  relationships_of_[r.provider.value].push_back(id);
  relationships_of_[r.recipient.value].push_back(id);
  relationships_.insert(std::move(r));
  relationships_version_.renew();
  return id;
}

void Organisation::update_relationship(RelationshipId id, std::string label) {
  relationship(id);
  relationships_.slot(id).label = std::move(label);
}

void Organisation::remove_relationship(RelationshipId id) {
  const Relationship& r = relationship(id);
  auto refuse = [&](const std::string& why) {
    throw ValidationError("cannot remove relationship " + std::to_string(id.value) + ": " + why, ErrorCode::conflict);
  };
  auto [lo, hi] = conversations_.sorted_range(id);
  for (auto row = lo; row < hi; ++row)
    if (conversations_.live(row)) refuse("it has conversations");
  for (auto row = conversations_.sorted_rows(); row < conversations_.rows(); ++row)
    if (conversations_.live(row) && conversations_.relationships()[row] == id.value) refuse("it has conversations");
  for (const Complaint& c : complaints_)
    if (c.relationship == id) refuse("it has complaints");
  for (const Referral& x : referrals_)
    if (x.relationship == id) refuse("it has referrals");
  relationship_by_pair_[int(r.bond)].erase(pair_key(r));
  std::erase(relationships_of_[r.provider.value], id);
  std::erase(relationships_of_[r.recipient.value], id);
  relationships_.erase(id);
  relationships_version_.renew();
}

Side Organisation::side_of(UnitId u, const Relationship& r) const {
  if (r.bond == Bond::cooperation) return Side::throughput;
  return r.provider == u ? Side::output : Side::input;
}

Fishbone Organisation::fishbone(UnitId id) const {
  Fishbone f{id, {}, {}, {}};
  for (RelationshipId rid : relationships_of(id)) {
    switch (side_of(id, relationship(rid))) {
      case Side::input: f.input.push_back(rid); break;
      case Side::throughput: f.throughput.push_back(rid); break;
      case Side::output: f.output.push_back(rid); break;
    }
  }
  return f;
}

// ----------------------------------------------------------------------------------------- guides

GuideId Organisation::add_guide(GuideSpec spec) {
  if (spec.key.empty()) throw ValidationError("a guide needs a key");
  if (guide_by_key_.count(spec.key)) throw ValidationError("duplicate guide key '" + spec.key + "'", ErrorCode::duplicate);
  check_enum(spec.kind, conversation_kind_count, "conversation kind");
  if (spec.scale.min >= spec.scale.max || spec.scale.max >= ConversationTable::no_score)
    throw ValidationError("guide '" + spec.key + "': a scale needs min < max <= 254");
  for (std::size_t i = 0; i < spec.questions.size(); ++i) {
    if (spec.questions[i].key.empty()) throw ValidationError("guide '" + spec.key + "': a question needs a key");
    for (std::size_t j = 0; j < i; ++j)
      if (spec.questions[j].key == spec.questions[i].key)
        throw ValidationError("guide '" + spec.key + "': duplicate question key '" + spec.questions[i].key + "'",
                              ErrorCode::duplicate);
  }
  Guide g;
  static_cast<GuideSpec&>(g) = std::move(spec);
  // Allocate first, then change what cannot throw (see add_unit).
  room_for_one(guides_.slots_);
  const GuideId id = guides_.next_id();
  guide_by_key_.emplace(g.key, id);  // the last step that can throw
  guides_.insert(std::move(g));
  return id;
}

std::optional<GuideId> Organisation::find_guide(std::string_view key) const {
  auto it = guide_by_key_.find(std::string(key));
  return it == guide_by_key_.end() ? std::nullopt : std::optional(it->second);
}

// ---------------------------------------------------------------------------------- conversations

ConversationFacts Organisation::check_conversation(const ConversationSpec& spec) const {
  relationship(spec.relationship);
  check_date(spec.date, "conversation date");
  check_enum(spec.kind, conversation_kind_count, "conversation kind");
  const Guide& g = guide(spec.guide);
  for (auto [value, what] : {std::pair{spec.score, "score"}, std::pair{spec.self_assessment, "self-assessment"}})
    if (value && !g.scale.contains(*value))
      throw ValidationError(std::string(what) + " " + std::to_string(*value) + " is outside the scale " +
                            std::to_string(g.scale.min) + "-" + std::to_string(g.scale.max) + " of guide '" + g.key + "'");
  return ConversationFacts{{}, spec.relationship, spec.date, spec.kind, spec.guide, spec.score, spec.self_assessment};
}

std::vector<detail::AnswerRow> Organisation::check_answers(const Guide& g, const std::vector<Answer>& answers) const {
  std::vector<AnswerRow> rows;
  for (const Answer& a : answers) {
    auto q = g.question_index(a.question);
    if (!q) throw ValidationError("guide '" + g.key + "' has no question '" + a.question + "'");
    for (const AnswerRow& r : rows)
      if (r.question == *q) throw ValidationError("question '" + a.question + "' answered twice", ErrorCode::duplicate);
    if (a.text.size() > 0xFFFFFFFFu) throw ValidationError("answer text too long");
    rows.push_back(AnswerRow{0, std::uint32_t(*q), 0, std::uint32_t(a.text.size())});
  }
  return rows;
}

void Organisation::room_for_answers(const std::vector<Answer>& answers) {
  std::size_t text = text_.size();
  for (const Answer& a : answers) text += a.text.size();
  room_for(text_, text);
  room_for(answers_, answers_.size() + answers.size());
}

void Organisation::store_answers(ConversationId id, std::vector<AnswerRow> rows, const std::vector<Answer>& answers) {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i].conversation = id.value;
    rows[i].offset = text_.size();
    text_ += answers[i].text;
  }
  // Rows are kept in (conversation, question) order: answers come back in the guide's order.
  std::sort(rows.begin(), rows.end(), [](const AnswerRow& a, const AnswerRow& b) { return a.question < b.question; });
  auto at = std::upper_bound(answers_.begin(), answers_.end(), id.value,
                             [](std::uint32_t v, const AnswerRow& r) { return v < r.conversation; });
  answers_.insert(at, rows.begin(), rows.end());
}

std::size_t Organisation::drop_answers(ConversationId id) {
  auto less = [](const AnswerRow& r, std::uint32_t v) { return r.conversation < v; };
  auto lo = std::lower_bound(answers_.begin(), answers_.end(), id.value, less);
  auto hi = lo;
  while (hi != answers_.end() && hi->conversation == id.value) {
    explicit_bzero(text_.data() + hi->offset, hi->length);
    text_garbage_ += hi->length;
    ++hi;
  }
  auto n = std::size_t(hi - lo);
  answers_.erase(lo, hi);
  return n;
}

void Organisation::compact_text_if_due() {
  if (text_garbage_ > 0 && text_garbage_ * 2 >= text_.size()) {
    // Housekeeping, like merging the conversation table: the garbage is zeros already, so out of
    // memory the arena keeps it until a later change tries again, and the calling change has succeeded.
    try {
      compact_text();
    } catch (const std::bad_alloc&) {
    }
  }
}

void Organisation::compact_text() {
  std::string packed;
  packed.reserve(text_.size() - text_garbage_);  // the only step that can throw
  pack_text(packed);
}

void Organisation::pack_text(std::string& packed) {
  for (AnswerRow& r : answers_) {
    auto offset = packed.size();
    packed.append(text_, r.offset, r.length);
    r.offset = offset;
  }
  wipe(text_);
  text_.swap(packed);
  text_garbage_ = 0;
}

ConversationId Organisation::add_conversation(const ConversationSpec& spec) {
  ConversationFacts facts = check_conversation(spec);
  auto rows = check_answers(guide(spec.guide), spec.answers);
  if (conversations_.id_bound() == ConversationTable::no_row) throw ValidationError("too many conversations");
  room_for_answers(spec.answers);
  const ConversationId id = conversations_.append(facts);  // all or nothing; the last step that can throw
  store_answers(id, std::move(rows), spec.answers);
  conversations_.merge_if_due();  // housekeeping: does not fail the change
  return id;
}

ConversationId Organisation::add_conversations(const ConversationColumns& c) {
  const std::size_t n = c.relationships.size();
  if (c.dates.size() != n || c.kinds.size() != n || c.guides.size() != n || c.scores.size() != n ||
      (!c.self_assessments.empty() && c.self_assessments.size() != n))
    throw ValidationError("conversation columns differ in length");
  if (std::uint64_t(conversations_.id_bound()) + n >= ConversationTable::no_row)
    throw ValidationError("too many conversations");
  const detail::RowChecks checks(relationships_, guides_);
  const std::uint8_t* self = c.self_assessments.empty() ? nullptr : c.self_assessments.data();
  if (const auto i = checks.first_bad(n, c.relationships.data(), c.dates.data(), c.kinds.data(), c.guides.data(),
                                      c.scores.data(), self);
      i != n)
    throw ValidationError("conversation row " + std::to_string(i) + ": " +
                          checks.reason(c.relationships[i], c.dates[i], c.kinds[i], c.guides[i], c.scores[i],
                                        self ? self[i] : ConversationTable::no_score));
  ConversationTable& t = conversations_;
  const ConversationId first{t.id_bound()};
  const std::size_t old_rows = t.rows();
  // Allocate first: room in every column, growing geometrically (an exact reserve would reallocate
  // every column on each sync; so small incremental inserts stay O(rows added)), then the id index's
  // pages if it is built, which extend() undoes if it cannot get them all. Nothing after it can throw.
  t.make_room(old_rows + n);
  RowIndex* index = t.row_of_.if_built();
  if (index) index->extend(first.value + std::uint32_t(n));
  t.ids_.resize(old_rows + n);
  for (std::size_t i = 0; i < n; ++i) {
    t.ids_[old_rows + i] = first.value + std::uint32_t(i);
    if (index) index->set(first.value + std::uint32_t(i), std::uint32_t(old_rows + i));
  }
  t.next_id_ = first.value + std::uint32_t(n);
  t.relationships_.insert(t.relationships_.end(), c.relationships.begin(), c.relationships.end());
  t.dates_.insert(t.dates_.end(), c.dates.begin(), c.dates.end());
  t.kinds_.insert(t.kinds_.end(), c.kinds.begin(), c.kinds.end());
  t.guides_.insert(t.guides_.end(), c.guides.begin(), c.guides.end());
  t.scores_.insert(t.scores_.end(), c.scores.begin(), c.scores.end());
  if (c.self_assessments.empty())
    t.self_.resize(old_rows + n, ConversationTable::no_score);
  else
    t.self_.insert(t.self_.end(), c.self_assessments.begin(), c.self_assessments.end());
  t.live_ += n;
  t.merge_if_due();  // housekeeping: does not fail the change
  return first;
}

ConversationFacts Organisation::conversation(ConversationId id) const {
  auto row = conversations_.row_of(id);
  if (!row) throw NotFoundError("unknown conversation id " + std::to_string(id.value));
  return conversations_.facts(*row);
}

std::vector<Answer> Organisation::answers(ConversationId id) const {
  ConversationFacts f = conversation(id);
  const Guide& g = guide(f.guide);
  std::vector<Answer> out;
  auto lo = std::lower_bound(answers_.begin(), answers_.end(), id.value,
                             [](const AnswerRow& r, std::uint32_t v) { return r.conversation < v; });
  for (; lo != answers_.end() && lo->conversation == id.value; ++lo)
    out.push_back(Answer{g.questions[lo->question].key, text_.substr(lo->offset, lo->length)});
  return out;
}

void Organisation::update_conversation(ConversationId id, const ConversationSpec& spec) {
  auto row = conversations_.row_of(id);
  if (!row) throw NotFoundError("unknown conversation id " + std::to_string(id.value));
  ConversationFacts facts = check_conversation(spec);
  auto rows = check_answers(guide(spec.guide), spec.answers);
  std::vector<AgreementId> made_here;
  for (const Agreement& a : agreements_) {
    if (a.conversation != id) continue;
    if (a.due < spec.date || (a.closed && *a.closed < spec.date))
      throw ValidationError("conversation " + std::to_string(id.value) + " cannot move to " + spec.date.iso() +
                                ": agreement " + std::to_string(a.id.value) + " made in it would then close or fall due before it was made",
                            ErrorCode::conflict);
    made_here.push_back(a.id);
  }
  room_for_answers(spec.answers);
  conversations_.set(*row, facts);  // all or nothing; the last step that can throw
  drop_answers(id);
  store_answers(id, std::move(rows), spec.answers);
  for (AgreementId a : made_here) agreements_.slot(a).made = spec.date;
  compact_text_if_due();  // housekeeping: does not fail the change
}

void Organisation::drop_conversation(ConversationId id, std::size_t row) {
  std::vector<AgreementId> made_here;  // the last allocation: the steps below cannot throw
  for (const Agreement& a : agreements_)
    if (a.conversation == id) made_here.push_back(a.id);
  for (AgreementId a : made_here) {
    wipe(agreements_.slot(a).text);
    agreements_.erase(a);
  }
  drop_answers(id);
  conversations_.remove(row);
}

void Organisation::remove_conversation(ConversationId id) {
  auto row = conversations_.row_of(id);
  if (!row) throw NotFoundError("unknown conversation id " + std::to_string(id.value));
  drop_conversation(id, *row);
  compact_text_if_due();  // housekeeping: neither fails the change
  conversations_.merge_if_due();
}

void Organisation::compact() {
  std::string packed;
  if (text_garbage_) packed.reserve(text_.size() - text_garbage_);
  conversations_.merge();  // all or nothing; the last step that can throw
  if (text_garbage_) pack_text(packed);
}

// ------------------------------------------------------------------------------------- agreements

AgreementId Organisation::add_agreement(AgreementSpec spec) {
  ConversationFacts f = conversation(spec.conversation);
  live_unit(spec.owner, "owner");
  check_date(spec.due, "agreement due date");
  if (spec.due < f.date)
    throw ValidationError("agreement due " + spec.due.iso() + ", before it was made on " + f.date.iso());
  Agreement a;
  static_cast<AgreementSpec&>(a) = std::move(spec);
  a.made = f.date;
  room_for_one(agreements_.slots_);  // then the insert cannot throw
  return agreements_.insert(std::move(a));
}

void Organisation::close_agreement(AgreementId id, AgreementStatus status, Date date) {
  const Agreement& a = agreement(id);
  check_enum(status, agreement_status_count, "agreement status");
  if (status == AgreementStatus::open) throw ValidationError("an agreement is closed as kept, broken or dropped, not open");
  check_date(date, "closing date");
  if (a.status != AgreementStatus::open)
    throw ValidationError("agreement " + std::to_string(id.value) + " is already " + std::string(to_string(a.status)),
                          ErrorCode::conflict);
  if (date < a.made)
    throw ValidationError("agreement " + std::to_string(id.value) + " cannot be closed on " + date.iso() +
                          ", before it was made on " + a.made.iso());
  Agreement& m = agreements_.slot(id);
  m.status = status;
  m.closed = date;
}

void Organisation::remove_agreement(AgreementId id) {
  agreement(id);
  wipe(agreements_.slot(id).text);
  agreements_.erase(id);
}

// ------------------------------------------------------------------------------------- complaints

ComplaintId Organisation::add_complaint(ComplaintSpec spec) {
  relationship(spec.relationship);
  check_enum(spec.severity, 4, "severity");
  check_date(spec.received, "complaint date");
  Complaint c;
  static_cast<ComplaintSpec&>(c) = std::move(spec);
  c.steps[0] = c.received;
  room_for_one(complaints_.slots_);  // then the insert cannot throw
  return complaints_.insert(std::move(c));
}

void Organisation::advance_complaint(ComplaintId id, ComplaintStage stage, Date date, ComplaintOutcome outcome) {
  const Complaint& c = complaint(id);
  check_enum(stage, complaint_stage_count, "complaint stage");
  check_enum(outcome, 4, "complaint outcome");
  check_date(date, "complaint step date");
  ComplaintStage now = c.stage();
  if (stage <= now)
    throw ValidationError("complaint " + std::to_string(id.value) + " is already " + std::string(to_string(now)) +
                              "; it cannot move to " + std::string(to_string(stage)),
                          ErrorCode::conflict);
  if (date < *c.steps[int(now)])
    throw ValidationError("complaint " + std::to_string(id.value) + " cannot reach " + std::string(to_string(stage)) +
                          " on " + date.iso() + ", before it was " + std::string(to_string(now)) + " on " +
                          c.steps[int(now)]->iso());
  bool closing = stage == ComplaintStage::closed;
  if (closing != (outcome != ComplaintOutcome::none))
    throw ValidationError(closing ? "closing a complaint needs an outcome (accepted, rejected, no_basis)"
                                  : "only closing a complaint sets an outcome");
  Complaint& m = complaints_.slot(id);
  m.steps[int(stage)] = date;
  m.outcome = outcome;
}

void Organisation::remove_complaint(ComplaintId id) {
  complaint(id);
  wipe(complaints_.slot(id).text);
  complaints_.erase(id);
}

// -------------------------------------------------------------------------------------- referrals

ReferralId Organisation::add_referral(ReferralSpec spec) {
  const Relationship& r = relationship(spec.relationship);
  check_enum(spec.target, 2, "referral target");
  check_date(spec.date, "referral date");
  if (spec.referred) {
    live_unit(*spec.referred, "referred");
    if (r.involves(*spec.referred)) throw ValidationError("a referral names a third party, not one of the relationship's units");
  }
  Referral x;
  static_cast<ReferralSpec&>(x) = std::move(spec);
  room_for_one(referrals_.slots_);  // then the insert cannot throw
  return referrals_.insert(std::move(x));
}

void Organisation::set_referral_outcome(ReferralId id, ReferralOutcome outcome, Date date) {
  const Referral& x = referral(id);
  check_enum(outcome, 3, "referral outcome");
  if (outcome == ReferralOutcome::pending) throw ValidationError("a referral's outcome is won or lost");
  if (x.outcome != ReferralOutcome::pending)
    throw ValidationError("referral " + std::to_string(id.value) + " is already " + std::string(to_string(x.outcome)),
                          ErrorCode::conflict);
  check_date(date, "referral outcome date");
  if (date < x.date) throw ValidationError("referral " + std::to_string(id.value) + " cannot end before it was made");
  Referral& m = referrals_.slot(id);
  m.outcome = outcome;
  m.closed = date;
}

void Organisation::remove_referral(ReferralId id) {
  referral(id);
  referrals_.erase(id);
}

// ---------------------------------------------------------------------------------------- privacy

ErasureReport Organisation::erase_person(UnitId id) {
  const Unit& person = live_unit(id, "");
  if (person.kind != UnitKind::person && person.kind != UnitKind::candidate)
    throw ValidationError("unit '" + person.key + "' is a " + std::string(to_string(person.kind)) + ", not a person");

  // Everything that can fail to allocate comes first: what to erase, room for the children's move,
  // the packed text arena, and the conversation table merged without the person's rows. Then only
  // steps that cannot throw: out of memory, the organisation is as it was; once done, nothing of the
  // person is left, neither tombstones nor text (wiped before it is released).
  const std::vector<RelationshipId> rels(relationships_of_[id.value].begin(), relationships_of_[id.value].end());
  std::vector<std::uint32_t> rel_ids(rels.size());
  for (std::size_t i = 0; i < rels.size(); ++i) rel_ids[i] = rels[i].value;
  std::sort(rel_ids.begin(), rel_ids.end());
  auto on_rels = [&](RelationshipId r) { return std::binary_search(rel_ids.begin(), rel_ids.end(), r.value); };

  std::vector<std::uint32_t> rows;  // the person's live conversation rows, ascending
  for (RelationshipId rid : rels) {
    auto [lo, hi] = conversations_.sorted_range(rid);
    for (auto row = lo; row < hi; ++row)
      if (conversations_.live(row)) rows.push_back(std::uint32_t(row));
  }
  for (auto row = conversations_.sorted_rows(); row < conversations_.rows(); ++row)
    if (conversations_.live(row) && on_rels(RelationshipId{conversations_.relationships()[row]}))
      rows.push_back(std::uint32_t(row));
  std::sort(rows.begin(), rows.end());
  std::vector<std::uint32_t> convs(rows.size());  // their ids, ascending
  for (std::size_t i = 0; i < rows.size(); ++i) convs[i] = conversations_.ids()[rows[i]];
  std::sort(convs.begin(), convs.end());
  auto in_convs = [&](ConversationId c) { return std::binary_search(convs.begin(), convs.end(), c.value); };

  std::vector<AgreementId> agreements;  // made in their conversations, or owned by them
  for (const Agreement& a : agreements_)
    if (a.owner == id || in_convs(a.conversation)) agreements.push_back(a.id);
  std::vector<ComplaintId> complaints;
  for (const Complaint& c : complaints_)
    if (on_rels(c.relationship)) complaints.push_back(c.id);
  std::vector<ReferralId> referrals;  // on their relationships, or naming them
  for (const Referral& x : referrals_)
    if (on_rels(x.relationship) || x.referred == id) referrals.push_back(x.id);

  const std::optional<UnitId> parent = person.parent;
  if (parent) room_for(children_[parent->value], children_[parent->value].size() + children_[id.value].size());

  std::size_t garbage = text_garbage_;  // after their answers are dropped
  for (std::uint32_t c : convs) {
    auto r = std::lower_bound(answers_.begin(), answers_.end(), c,
                              [](const AnswerRow& a, std::uint32_t v) { return a.conversation < v; });
    for (; r != answers_.end() && r->conversation == c; ++r) garbage += r->length;
  }
  std::string packed;
  if (garbage) packed.reserve(text_.size() - garbage);

  conversations_.merge(rows);  // drops their rows and every tombstone; all or nothing, the last step that can throw

  // Nothing below can throw.
  ErasureReport report;
  report.relationships = rels.size();
  report.conversations = rows.size();
  report.agreements = agreements.size();
  report.complaints = complaints.size();
  report.referrals = referrals.size();
  for (AgreementId a : agreements) {
    wipe(agreements_.slot(a).text);
    agreements_.erase(a);
  }
  for (std::uint32_t c : convs) report.answers += drop_answers(ConversationId{c});
  for (ComplaintId c : complaints) {
    wipe(complaints_.slot(c).text);
    complaints_.erase(c);
  }
  for (ReferralId x : referrals) referrals_.erase(x);
  for (RelationshipId rid : rels) {
    Relationship& r = relationships_.slot(rid);
    relationship_by_pair_[int(r.bond)].erase(pair_key(r));
    auto& others = relationships_of_[r.other(id).value];
    others.erase(std::find(others.begin(), others.end(), rid));
    wipe(r.label);
    relationships_.erase(rid);
  }
  relationships_version_.renew();
  relationships_of_[id.value].clear();

  Unit& u = units_.slot(id);
  for (UnitId c : children_[id.value]) {
    units_.slot(c).parent = parent;
    if (parent) insert_child(children_[parent->value], c);  // room made above
  }
  children_[id.value].clear();
  if (parent) std::erase(children_[parent->value], id);
  for (std::size_t i = 0; i < units_.id_bound(); ++i)
    if (units_.contains(UnitId{std::uint32_t(i)}) && units_.slot(UnitId{std::uint32_t(i)}).payer == id)
      units_.slot(UnitId{std::uint32_t(i)}).payer.reset();
  auto node = unit_by_key_.extract(u.key);
  wipe(node.key());
  wipe(u.key);
  wipe(u.name);
  units_.erase(id);
  units_version_.renew();

  if (text_garbage_) pack_text(packed);  // rewrites the arena without the wiped bytes, wiping the old one
  return report;
}

// -------------------------------------------------------------------------------------- indexes

void Organisation::rebuild_indexes() {
  unit_by_key_.clear();
  guide_by_key_.clear();
  children_.assign(units_.id_bound(), {});
  relationships_of_.assign(units_.id_bound(), {});
  for (auto& m : relationship_by_pair_) m.clear();
  for (const Unit& u : units_) {
    unit_by_key_.emplace(u.key, u.id);
    if (u.parent) children_[u.parent->value].push_back(u.id);
  }
  for (const Guide& g : guides_) guide_by_key_.emplace(g.key, g.id);
  for (const Relationship& r : relationships_) {
    relationship_by_pair_[int(r.bond)].emplace(pair_key(r), r.id);
    relationships_of_[r.provider.value].push_back(r.id);
    relationships_of_[r.recipient.value].push_back(r.id);
  }
}

}  // namespace rapport
