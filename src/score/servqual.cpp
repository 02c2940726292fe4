// SERVQUAL from guides whose question keys name a dimension and a measure; answers hold integers.
#include "rapport/score/servqual.hpp"

#include <charconv>
#include <map>

#include "internal.hpp"

namespace rapport::score {

namespace {

constexpr std::array<std::string_view, servqual_dimension_count> dimension_names{
    "tangibles", "reliability", "responsiveness", "assurance", "empathy"};

struct Wording {
  const char* en;
  const char* de;
};
constexpr std::array<Wording, servqual_dimension_count> about{{
    {"physical facilities, equipment and the appearance of people", "Räume, Ausstattung und das Auftreten der Menschen"},
    {"performing the promised service dependably and accurately", "die versprochene Leistung verlässlich und genau zu erbringen"},
    {"willingness to help and to provide prompt service", "Bereitschaft zu helfen und rasch zu reagieren"},
    {"knowledge and courtesy, and the ability to inspire trust and confidence", "Fachwissen und Höflichkeit, die Vertrauen schaffen"},
    {"caring, individual attention", "fürsorgliche, individuelle Aufmerksamkeit"},
}};

std::optional<int> parse_int(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::string_view to_string(ServqualDimension d) {
  auto i = std::size_t(d);
  return i < dimension_names.size() ? dimension_names[i] : "invalid";
}

std::optional<ServqualItem> parse_servqual_key(std::string_view key) {
  auto first = key.find('.');
  auto last = key.rfind('.');
  if (first == std::string_view::npos) return std::nullopt;
  std::string_view dim = key.substr(0, first), measure = key.substr(last + 1);
  ServqualItem item;
  if (measure == "perception") item.perception = true;
  else if (measure != "expectation") return std::nullopt;
  auto it = std::find(dimension_names.begin(), dimension_names.end(), dim);
  if (it == dimension_names.end()) return std::nullopt;
  item.dimension = ServqualDimension(it - dimension_names.begin());
  if (last > first) item.item = std::string(key.substr(first + 1, last - first - 1));
  return item;
}

GuideSpec servqual_guide(std::string key, Scale scale) {
  GuideSpec g;
  g.key = std::move(key);
  g.title = "SERVQUAL";
  g.kind = ConversationKind::ad_hoc;
  g.scale = scale;
  std::string range = std::to_string(scale.min) + "-" + std::to_string(scale.max);
  for (std::size_t i = 0; i < dimension_names.size(); ++i) {
    std::string dim(dimension_names[i]);
    g.questions.push_back(Question{dim + ".expectation",
                                   {{"en", "How important is it that an excellent provider offers " + std::string(about[i].en) + "? (" + range + ")"},
                                    {"de", "Wie wichtig ist es, dass ein ausgezeichneter Anbieter Folgendes bietet: " + std::string(about[i].de) + "? (" + range + ")"}}});
    g.questions.push_back(Question{dim + ".perception",
                                   {{"en", "How well do we offer " + std::string(about[i].en) + "? (" + range + ")"},
                                    {"de", "Wie gut bieten wir Folgendes: " + std::string(about[i].de) + "? (" + range + ")"}}});
  }
  return g;
}

void ServqualState::merge(const ServqualState& o) {
  if (scale && o.scale && *scale != *o.scale) throw ValidationError("SERVQUAL states on different scales do not merge");
  if (!scale) scale = o.scale;
  for (std::size_t d = 0; d < dimensions.size(); ++d) {
    auto& a = dimensions[d];
    const auto& b = o.dimensions[d];
    a.n_pairs += b.n_pairs, a.sum_gap += b.sum_gap;
    a.n_perception += b.n_perception, a.sum_perception += b.sum_perception;
    a.n_expectation += b.n_expectation, a.sum_expectation += b.sum_expectation;
    detail::merge_ids(a.respondents, b.respondents);
  }
  invalid_answers += o.invalid_answers;
}

namespace {

struct ServqualCollected {
  ServqualState state;
  /// Per conversation and dimension: the sums it added (for explanations).
  struct Row {
    std::uint32_t conversation;
    ServqualDimension dimension;
    std::int64_t n_pairs, sum_gap, n_perception, sum_perception;
  };
  std::vector<Row> rows;
};

ServqualCollected collect_servqual(const Organisation& org, const Scope& scope, const Filter& filter) {
  ServqualCollected c;
  auto rels = detail::rated_relationships(org, scope, filter.bonds);
  auto rf = detail::row_filter(org, filter, Measure::servqual);
  const ConversationTable& t = org.conversations();
  detail::for_each_row(org, rels, [&](std::size_t row) {
    if (!rf.accepts(t, row)) return;
    const Guide& g = org.guide(GuideId{t.guides()[row]});
    if (c.state.scale && *c.state.scale != g.scale)
      throw ValidationError("SERVQUAL questionnaires on different scales at one scope; filter by guide");
    // (dimension, item) -> (perception, expectation)
    std::map<std::pair<int, std::string>, std::pair<std::optional<int>, std::optional<int>>> items;
    for (const Answer& a : org.answers(ConversationId{t.ids()[row]})) {
      auto key = parse_servqual_key(a.question);
      if (!key) continue;
      auto v = parse_int(a.text);
      if (!v || !g.scale.contains(*v)) {
        ++c.state.invalid_answers;
        continue;
      }
      auto& slot = items[{int(key->dimension), key->item}];
      (key->perception ? slot.first : slot.second) = *v;
    }
    if (items.empty()) return;
    c.state.scale = g.scale;
    auto who = org.relationship(RelationshipId{t.relationships()[row]}).recipient.value;
    std::array<ServqualCollected::Row, servqual_dimension_count> per{};
    for (auto& [k, v] : items) {
      auto& d = c.state.dimensions[std::size_t(k.first)];
      auto& r = per[std::size_t(k.first)];
      if (v.first) ++d.n_perception, d.sum_perception += *v.first, ++r.n_perception, r.sum_perception += *v.first;
      if (v.second) ++d.n_expectation, d.sum_expectation += *v.second;
      if (v.first && v.second) ++d.n_pairs, d.sum_gap += *v.first - *v.second, ++r.n_pairs, r.sum_gap += *v.first - *v.second;
      d.respondents.push_back(who);
    }
    for (int d = 0; d < servqual_dimension_count; ++d) {
      auto& r = per[std::size_t(d)];
      if (r.n_perception == 0 && r.n_pairs == 0) continue;
      r.conversation = t.ids()[row];
      r.dimension = ServqualDimension(d);
      c.rows.push_back(r);
    }
  });
  for (auto& d : c.state.dimensions) detail::normalise_ids(d.respondents);
  return c;
}

}  // namespace

ServqualState servqual_state(const Organisation& org, const Scope& scope, const Filter& filter) {
  return collect_servqual(org, scope, filter).state;
}

ServqualResult servqual_of(const ServqualState& s, ServqualMode mode, bool aggregate, const Privacy& privacy) {
  privacy.validate();
  if (mode != ServqualMode::gap && mode != ServqualMode::perceptions_only)
    throw ValidationError("invalid SERVQUAL mode " + std::to_string(int(mode)));
  ServqualResult r;
  r.mode = mode;
  r.scale = s.scale;
  r.invalid_answers = s.invalid_answers;
  double total = 0;
  int ok = 0;
  bool suppressed = false;
  for (int i = 0; i < servqual_dimension_count; ++i) {
    const auto& d = s.dimensions[std::size_t(i)];
    auto& out = r.dimensions[std::size_t(i)];
    out.dimension = ServqualDimension(i);
    out.n = mode == ServqualMode::gap ? d.n_pairs : d.n_perception;
    out.respondents = std::int64_t(d.respondents.size());
    out.status = detail::primary_status(out.n, out.respondents, aggregate, privacy);
    if (out.status != Status::ok) {
      suppressed |= out.status != Status::no_data;
      continue;
    }
    out.perception = d.n_perception ? double(d.sum_perception) / double(d.n_perception) : 0;
    if (mode == ServqualMode::gap) {
      out.expectation = d.n_expectation ? double(d.sum_expectation) / double(d.n_expectation) : 0;
      out.value = double(d.sum_gap) / double(d.n_pairs);
    } else {
      out.value = out.perception;
    }
    total += out.value;
    ++ok;
  }
  if (ok) {
    r.status = Status::ok;
    r.overall = total / ok;
  } else if (suppressed) {
    r.status = Status::suppressed;
  }
  return r;
}

ServqualResult servqual(const Organisation& org, const Scope& scope, const Filter& filter, ServqualMode mode,
                        const Options& options) {
  options.privacy.validate();
  auto c = collect_servqual(org, scope, filter);
  ServqualResult r = servqual_of(c.state, mode, scope.is_aggregate(), options.privacy);
  Status st = detail::with_complementary(r.status, org, scope, filter, Measure::servqual, options);
  if (st != r.status) {
    ServqualResult w;
    w.mode = mode, w.scale = r.scale, w.status = st;
    for (int i = 0; i < servqual_dimension_count; ++i) {
      auto& d = w.dimensions[std::size_t(i)];
      d.dimension = ServqualDimension(i);
      d.status = r.dimensions[std::size_t(i)].status == Status::no_data ? Status::no_data : st;
      d.n = r.dimensions[std::size_t(i)].n, d.respondents = r.dimensions[std::size_t(i)].respondents;
    }
    return w;
  }
  if (options.explain)
    for (const auto& row : c.rows) {
      auto& d = r.dimensions[std::size_t(row.dimension)];
      if (d.status != Status::ok) continue;
      std::int64_t n = mode == ServqualMode::gap ? row.n_pairs : row.n_perception;
      std::int64_t sum = mode == ServqualMode::gap ? row.sum_gap : row.sum_perception;
      if (n == 0) continue;
      d.records.push_back({RecordKind::conversation, row.conversation, double(sum) / double(n), double(sum) / double(d.n)});
    }
  return r;
}

}  // namespace rapport::score
