// Primary and complementary suppression over the tree of nested reports, and free-text answers.
//
// The reports of one filter form a laminar family: organisation > subtree(u) > {own(u), subtree(child)}
// and own(u) > {output side(u), throughput side(u)}; any two are nested or disjoint, and each is the
// disjoint union of its children. Each report's distinct respondents are kept as a set capped at k ids
// ("saturated" once k are known), which is all the decisions need: is a group empty, or does it have k
// respondents?
#include <numeric>
#include <tuple>

#include "internal.hpp"
#include "rapport/score/privacy.hpp"

namespace rapport::score {

namespace {
std::uint8_t st(Status s) { return std::uint8_t(s); }
}  // namespace

Status SuppressionPlan::unit(UnitId u) const { return u.value < own_.size() ? Status(own_[u.value]) : Status::no_data; }
Status SuppressionPlan::subtree(UnitId u) const { return u.value < sub_.size() ? Status(sub_[u.value]) : Status::no_data; }
Status SuppressionPlan::side(UnitId u, Side s) const {
  const auto& v = s == Side::output ? out_ : s == Side::throughput ? coop_ : in_;
  return u.value < v.size() ? Status(v[u.value]) : Status::no_data;
}

Status SuppressionPlan::status(const Scope& scope) const {
  switch (scope.level) {
    case Level::relationship: return Status::ok;
    case Level::unit: return unit(scope.unit);
    case Level::side: return side(scope.unit, scope.side);
    case Level::subtree: return subtree(scope.unit);
    case Level::organisation: return organisation();
  }
  return Status::no_data;
}

/// Builds a plan: capped respondent sets per report, primary suppression, then complementary
/// suppression to a fixed point.
struct PlanBuilder {
  static constexpr std::uint32_t none = detail::none32;
  enum Kind : std::uint8_t { out_node = 0, coop_node = 1, own_node = 2, sub_node = 3 };

  /// A set of distinct respondent ids, capped: `sat` once k are known (then the ids are not kept).
  struct CSet {
    std::uint32_t off = 0;
    std::uint32_t len = 0;
    bool sat = false;
    bool nonempty() const { return sat || len > 0; }
  };

  const Organisation& org;
  std::uint32_t k;
  std::uint32_t units;
  std::vector<std::uint32_t> arena;
  std::vector<CSet> set;
  std::vector<std::uint32_t> parent;
  std::vector<std::uint32_t> child_off, child_list;
  std::vector<std::uint8_t> status;
  std::size_t complementary = 0;
  std::vector<std::uint32_t> withheld;  ///< in the order complementary suppression withheld them
  std::vector<std::uint32_t> post_order;  ///< every node after the nodes inside it
  std::vector<std::uint32_t> scratch, stack, covering;

  PlanBuilder(const Organisation& o, std::uint32_t min_group)
      : org(o), k(min_group), units(std::uint32_t(o.units().id_bound())) {}

  std::uint32_t node(std::uint32_t u, Kind kind) const { return 4 * u + kind; }
  std::uint32_t org_node() const { return 4 * units; }
  bool is_unit_report(std::uint32_t n) const { return n != org_node() && n % 4 == own_node; }
  /// Which report to withhold first: sides, then subtrees, then the organisation. A unit's own report
  /// is never withheld to protect another group (a side, a subtree or the total can always be).
  int priority(std::uint32_t n) const {
    if (n == org_node()) return 2;
    return n % 4 == sub_node ? 1 : 0;
  }

  CSet store(std::vector<std::uint32_t>& ids) {
    detail::normalise_ids(ids);
    CSet s;
    if (ids.size() >= k) {
      s.sat = true;
      return s;
    }
    s.off = std::uint32_t(arena.size());
    s.len = std::uint32_t(ids.size());
    arena.insert(arena.end(), ids.begin(), ids.end());
    return s;
  }
  /// Adds the ids of `s` to `acc` (the caller normalises); true when `s` is saturated.
  bool gather(const CSet& s, std::vector<std::uint32_t>& acc) const {
    if (s.sat) return true;
    acc.insert(acc.end(), arena.begin() + s.off, arena.begin() + s.off + s.len);
    return false;
  }
  /// True when a temporary union (`saturated`, or the ids in `acc`) is not empty but has fewer than k ids.
  bool small_nonempty(std::vector<std::uint32_t>& acc, bool saturated) const {
    if (saturated) return false;
    detail::normalise_ids(acc);
    return !acc.empty() && acc.size() < k;
  }

  void build_tree() {
    const std::uint32_t nodes = 4 * units + 1;
    parent.assign(nodes, none);
    for (const Unit& u : org.units()) {
      std::uint32_t v = u.id.value;
      parent[node(v, out_node)] = parent[node(v, coop_node)] = node(v, own_node);
      parent[node(v, own_node)] = node(v, sub_node);
      parent[node(v, sub_node)] = u.parent ? node(u.parent->value, sub_node) : org_node();
    }
    // Children lists (CSR), in node order.
    child_off.assign(nodes + 1, 0);
    for (std::uint32_t n = 0; n < nodes; ++n)
      if (parent[n] != none) ++child_off[parent[n] + 1];
    std::partial_sum(child_off.begin(), child_off.end(), child_off.begin());
    child_list.resize(child_off.back());
    std::vector<std::uint32_t> fill(child_off.begin(), child_off.end() - 1);
    for (std::uint32_t n = 0; n < nodes; ++n)
      if (parent[n] != none) child_list[fill[parent[n]]++] = n;
  }

  /// Respondent sets of the two base cells of every unit, from the relationships that had data: a
  /// few distinct ids each, or saturated once k are seen.
  void base_sets(const BatchIndex& index, std::span<const std::uint8_t> had) {
    set.assign(4 * units + 1, CSet{});
    auto off = index.provided_offsets();
    auto members = index.provided_members();
    auto recipient = index.recipients();
    auto bond = index.bonds();
    std::vector<std::uint32_t> ids[2];
    for (std::uint32_t u = 0; u + 1 < off.size() && u < units; ++u) {
      ids[0].clear(), ids[1].clear();
      bool sat[2] = {false, false};
      for (auto i = off[u]; i < off[u + 1]; ++i) {
        auto r = members[i];
        if (!had[r]) continue;
        int cell = bond[r] == std::uint8_t(Bond::cooperation);
        if (sat[cell]) continue;
        auto& v = ids[cell];
        if (std::find(v.begin(), v.end(), recipient[r]) == v.end()) v.push_back(recipient[r]);
        sat[cell] = v.size() >= k;
      }
      for (int cell = 0; cell < 2; ++cell) {
        auto n = node(u, cell ? coop_node : out_node);
        if (sat[cell]) set[n] = CSet{0, 0, true};
        else if (!ids[cell].empty()) set[n] = store(ids[cell]);
      }
    }
  }

  /// Unions up the tree: children are finished before their parent.
  void upper_sets() {
    // Post-order over the unit hierarchy: BFS from the roots, then reversed.
    std::vector<std::uint32_t> order;
    for (const Unit& u : org.units())
      if (!u.parent) order.push_back(u.id.value);
    for (std::size_t i = 0; i < order.size(); ++i)
      for (UnitId c : org.children(UnitId{order[i]})) order.push_back(c.value);
    auto unite_children = [&](std::uint32_t n) {
      scratch.clear();
      bool sat = false;
      for (auto i = child_off[n]; i < child_off[n + 1] && !sat; ++i) sat = gather(set[child_list[i]], scratch);
      if (sat) {
        set[n] = CSet{0, 0, true};
      } else {
        set[n] = store(scratch);
      }
    };
    post_order.clear();
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      unite_children(node(*it, own_node));
      unite_children(node(*it, sub_node));
      for (Kind kind : {out_node, coop_node, own_node, sub_node}) post_order.push_back(node(*it, kind));
    }
    unite_children(org_node());
    post_order.push_back(org_node());
  }

  void primary() {
    status.assign(set.size(), st(Status::no_data));
    for (std::size_t n = 0; n < set.size(); ++n)
      if (set[n].nonempty()) status[n] = set[n].sat ? st(Status::ok) : st(Status::suppressed);
  }

  /// The residual of a published report: its conversations that no published report inside it covers.
  /// Every group an attacker can isolate by subtracting published reports from one another contains a
  /// residual or a published report, so residuals of k respondents (or none) protect every group.
  /// True when the residual of `p` is too small; `covering` then holds the published reports inside it.
  bool residual_small(std::uint32_t p) {
    scratch.clear();
    stack.clear();
    covering.clear();
    bool sat = false;
    for (auto i = child_off[p]; i < child_off[p + 1]; ++i) stack.push_back(child_list[i]);
    while (!stack.empty() && !sat) {
      auto c = stack.back();
      stack.pop_back();
      if (!set[c].nonempty()) continue;
      if (status[c] == st(Status::ok)) {
        covering.push_back(c);
        continue;
      }
      if (child_off[c] == child_off[c + 1]) {
        sat = gather(set[c], scratch);  // a base cell: its conversations are in the residual
      } else {
        for (auto i = child_off[c]; i < child_off[c + 1]; ++i) stack.push_back(child_list[i]);
      }
    }
    return small_nonempty(scratch, sat);
  }

  /// Checks `p`; on a violation withholds the least important of p and the published reports that
  /// cover parts of it (between equals p itself, else the smallest; never a unit's own report) and
  /// returns true.
  bool check_residual(std::uint32_t p) {
    if (!residual_small(p)) return false;
    std::uint32_t victim = is_unit_report(p) ? none : p;
    auto size = [&](std::uint32_t n) { return set[n].sat ? k : set[n].len; };
    auto key = [&](std::uint32_t n) { return std::tuple(priority(n), n == p ? 0u : 1u + size(n), n); };
    for (auto c : covering)
      if (!is_unit_report(c) && (victim == none || key(c) < key(victim))) victim = c;
    // A unit's own report always has a side covering part of it (else its residual is all of it, and
    // it has k respondents); the fallback only guards that reasoning.
    if (victim == none) victim = p;
    status[victim] = st(Status::suppressed_complementary);
    withheld.push_back(victim);
    return true;
  }

  /// The nearest published report that contains `n` (none for the organisation).
  std::uint32_t published_above(std::uint32_t n) const {
    auto a = parent[n];
    while (a != none && status[a] != st(Status::ok)) a = parent[a];
    return a;
  }

  /// Complementary suppression until every published report's residual is none or has k. Withholding
  /// or publishing a report changes only its own residual and that of the nearest published report
  /// around it, so a work list of those suffices. Reports are checked bottom-up, so small groups are
  /// first covered near where they are. Then, latest first, each withheld report is published again
  /// when the rule still holds for it and the report around it.
  void complement() {
    std::vector<std::uint32_t> work;
    auto settle = [&](std::uint32_t n) {
      while (status[n] == st(Status::ok) && check_residual(n)) {
        auto above = published_above(withheld.back());
        if (above != none) work.push_back(above);
      }
    };
    for (auto n : post_order) settle(n);
    while (!work.empty()) {
      auto n = work.back();
      work.pop_back();
      settle(n);
    }
    for (auto it = withheld.rbegin(); it != withheld.rend(); ++it) {
      if (status[*it] == st(Status::ok)) continue;
      status[*it] = st(Status::ok);
      auto above = published_above(*it);
      if (residual_small(*it) || (above != none && residual_small(above)))
        status[*it] = st(Status::suppressed_complementary);
    }
    for (auto n : withheld) complementary += status[n] == st(Status::suppressed_complementary);
  }

  SuppressionPlan finish(const BatchIndex& index, std::span<const std::uint8_t> had, const Filter& filter,
                         Measure measure, const Privacy& privacy) {
    SuppressionPlan p;
    p.filter_ = filter;
    p.measure_ = measure;
    p.privacy_ = privacy;
    p.org_ = status[org_node()];
    p.own_.resize(units), p.out_.resize(units), p.coop_.resize(units), p.sub_.resize(units);
    for (std::uint32_t u = 0; u < units; ++u) {
      p.out_[u] = status[node(u, out_node)];
      p.coop_[u] = status[node(u, coop_node)];
      p.own_[u] = status[node(u, own_node)];
      p.sub_[u] = status[node(u, sub_node)];
    }
    // An input side is what one unit says: one respondent, suppressed whenever it has data.
    p.in_.assign(units, st(Status::no_data));
    auto recipient = index.recipients();
    auto bond = index.bonds();
    for (std::size_t r = 0; r < had.size(); ++r)
      if (had[r] && bond[r] != std::uint8_t(Bond::cooperation) && recipient[r] < units)
        p.in_[recipient[r]] = st(Status::suppressed);
    p.complementary_ = complementary;
    return p;
  }
};

namespace detail {

SuppressionPlan build_plan(const Organisation& org, const BatchIndex& index, std::span<const std::uint8_t> had,
                           const Filter& filter, Measure measure, const Privacy& privacy) {
  privacy.validate();
  PlanBuilder b(org, std::uint32_t(privacy.min_group));
  b.build_tree();
  b.base_sets(index, had);
  b.upper_sets();
  b.primary();
  if (privacy.complementary) b.complement();
  return b.finish(index, had, filter, measure, privacy);
}

}  // namespace detail

SuppressionPlan plan_suppression(const Organisation& org, const Filter& filter, Measure measure,
                                 const Privacy& privacy) {
  privacy.validate();
  BatchIndex index(org);
  auto rf = detail::row_filter(org, filter, measure);
  // The bond filter decides which relationships count at all.
  auto had = detail::had_rows(org, rf);
  for (std::size_t r = 0; r < had.size(); ++r)
    if (had[r] && !((filter.bonds >> index.bonds()[r]) & 1u)) had[r] = 0;
  return detail::build_plan(org, index, had, filter, measure, privacy);
}

TextAnswers free_text(const Organisation& org, const Scope& scope, std::string_view question_key,
                      const Filter& filter, const Options& options) {
  options.privacy.validate();
  auto rels = detail::rated_relationships(org, scope, filter.bonds);
  auto rf = detail::row_filter(org, filter, Measure::score);
  rf.need_score = false;
  const ConversationTable& t = org.conversations();
  // Which guides ask the question, and its index in each.
  std::vector<std::uint32_t> question(org.guides().id_bound(), detail::none32);
  for (const Guide& g : org.guides())
    if (auto q = g.question_index(question_key)) question[g.id.value] = std::uint32_t(*q);
  auto answered = [&](std::size_t row) {
    if (!rf.accepts(t, row) || question[t.guides()[row]] == detail::none32) return std::optional<std::string>();
    for (const Answer& a : org.answers(ConversationId{t.ids()[row]}))
      if (a.question == question_key && !a.text.empty()) return std::optional<std::string>(a.text);
    return std::optional<std::string>();
  };
  TextAnswers out;
  std::vector<std::uint32_t> who;
  detail::for_each_row(org, rels, [&](std::size_t row) {
    if (auto text = answered(row)) {
      out.conversations.push_back(ConversationId{t.ids()[row]});
      out.texts.push_back(std::move(*text));
      who.push_back(org.relationship(RelationshipId{t.relationships()[row]}).recipient.value);
    }
  });
  detail::normalise_ids(who);
  out.respondents = std::int64_t(who.size());
  Privacy text_privacy = options.privacy;
  text_privacy.min_group = options.privacy.min_group_text;
  out.status = detail::primary_status(std::int64_t(out.texts.size()), out.respondents, scope.is_aggregate(), text_privacy);
  if (out.status == Status::ok && scope.is_aggregate() && text_privacy.complementary) {
    BatchIndex index(org);
    std::vector<std::uint8_t> had(org.relationships().id_bound(), 0);
    for (std::size_t row = 0; row < t.rows(); ++row)
      if ((filter.bonds >> index.bonds()[t.relationships()[row]]) & 1u && answered(row)) had[t.relationships()[row]] = 1;
    auto plan = detail::build_plan(org, index, had, filter, Measure::score, text_privacy);
    if (plan.status(scope) == Status::suppressed_complementary) out.status = Status::suppressed_complementary;
  }
  if (out.status != Status::ok) {
    out.conversations.clear();
    out.texts.clear();
  }
  return out;
}

}  // namespace rapport::score
