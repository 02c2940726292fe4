// Scores, one at a time: `rapport.score.nps(org, unit="hr", period=2025)` and friends. Every call resolves
// its keywords with the GIL held, then runs in the engine without it (interruptibly when the store is
// large). Values that are not `ok` (no data, suppressed) come back as None, never as the core's 0.
#include <ctime>

#include "score_common.hpp"

namespace rapport::python {

std::string_view mode_name(sc::ServqualMode m) { return m == sc::ServqualMode::gap ? "gap" : m == sc::ServqualMode::perceptions_only ? "perceptions_only" : "?"; }
std::string_view role_name(sc::Role r) { return r == sc::Role::provider ? "provider" : r == sc::Role::recipient ? "recipient" : "?"; }

// ----------------------------------------------------------------------------------- the keywords

sc::Scope make_scope(const Organisation& org, py::handle relationship, py::handle unit, py::handle side, py::handle subtree) {
  int given = !relationship.is_none() + !unit.is_none() + !subtree.is_none();
  if (given > 1) throw ValidationError("a score is asked of one scope: give relationship=, unit= or subtree=, not several");
  if (!side.is_none() && unit.is_none()) throw ValidationError("side= names a side of a unit's fishbone: give unit= too");
  if (!relationship.is_none()) {
    RelationshipId r = resolve(org, relationship.cast<RelationshipRef>());
    org.relationship(r);
    return sc::Scope::of(r);
  }
  if (!unit.is_none()) {
    UnitId u = resolve(org, unit.cast<UnitRef>());
    org.unit(u);
    return side.is_none() ? sc::Scope::of(u) : sc::Scope::side_of(u, side.cast<Side>());
  }
  if (!subtree.is_none()) {
    UnitId u = resolve(org, subtree.cast<UnitRef>());
    org.unit(u);
    return sc::Scope::subtree_of(u);
  }
  return sc::Scope::organisation();
}

std::uint8_t kind_bits(py::handle kinds, std::uint8_t if_none) {
  if (kinds.is_none()) return if_none;
  if (py::isinstance<py::str>(kinds) && kinds.cast<std::string>() == "reviews") return sc::review_kinds;
  if (py::isinstance<py::str>(kinds) || PyIndex_Check(kinds.ptr())) return sc::kind_bit(kinds.cast<ConversationKind>());
  std::uint8_t bits = 0;
  for (py::handle k : py::reinterpret_borrow<py::iterable>(kinds)) bits |= sc::kind_bit(k.cast<ConversationKind>());
  return bits;
}

namespace {
std::uint8_t bond_bits(py::handle bonds) {
  if (bonds.is_none()) return sc::all_bonds;
  if (py::isinstance<py::str>(bonds) || PyIndex_Check(bonds.ptr())) return sc::bond_bit(bonds.cast<Bond>());
  std::uint8_t bits = 0;
  for (py::handle b : py::reinterpret_borrow<py::iterable>(bonds)) bits |= sc::bond_bit(b.cast<Bond>());
  return bits;
}
}  // namespace

sc::Filter make_filter(const Organisation& org, py::handle period, py::handle kinds, py::handle bonds, py::handle guide) {
  sc::Filter f;
  f.period = to_period_opt(period);
  f.kinds = kind_bits(kinds);
  f.bonds = bond_bits(bonds);
  if (!guide.is_none()) {
    f.guide = resolve(org, guide.cast<GuideRef>());
    org.guide(*f.guide);
  }
  return f;
}

sc::Privacy make_privacy(int min_group, int min_group_text, bool complementary) {
  sc::Privacy p{min_group, min_group_text, complementary};
  p.validate();
  return p;
}

sc::Options make_options(int min_group, int min_group_text, bool complementary, bool explain) {
  sc::Options o;
  o.privacy = make_privacy(min_group, min_group_text, complementary);
  o.explain = explain;
  return o;
}

sc::HealthWeights to_health_weights(py::handle h) {
  if (h.is_none()) return {};
  if (py::isinstance<sc::HealthWeights>(h)) return h.cast<sc::HealthWeights>();
  sc::HealthWeights w;
  for (auto [k, v] : py::reinterpret_borrow<py::dict>(h)) {
    auto name = k.cast<std::string>();
    double x = v.cast<double>();
    if (name == "satisfaction") w.satisfaction = x;
    else if (name == "trend") w.trend = x;
    else if (name == "reliability") w.reliability = x;
    else if (name == "recency") w.recency = x;
    else if (name == "complaints") w.complaints = x;
    else throw ValidationError("unknown health weight '" + name + "' (expected satisfaction, trend, reliability, recency, complaints)");
  }
  w.validate();
  return w;
}
Date latest_date(const Organisation& org) {
  const ConversationTable& t = org.conversations();
  std::optional<std::int32_t> best;
  for (std::size_t r = 0; r < t.rows(); ++r)
    if (t.live(r) && (!best || t.dates()[r] > *best)) best = t.dates()[r];
  if (best) return Date{*best};
  return Date{std::int32_t(std::time(nullptr) / 86400)};
}

namespace {

Date as_of_or_latest(const Organisation& org, py::handle as_of) { return as_of.is_none() ? latest_date(org) : as_of.cast<Date>(); }

// ---------------------------------------------------------------------------------- result helpers

bool ok(sc::Status s) { return s == sc::Status::ok; }
py::object value(sc::Status s, double v) { return ok(s) ? py::object(py::float_(v)) : py::object(py::none()); }
template <class T>
py::object optional_value(sc::Status s, const std::optional<T>& v) {
  return ok(s) && v ? py::object(py::cast(*v)) : py::object(py::none());
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}
std::string status_text(sc::Status s) { return "'" + std::string(sc::to_string(s)) + "'"; }

py::object records_frame(const std::vector<sc::Contribution>& rs) {
  std::vector<std::uint8_t> kind;
  std::vector<std::uint32_t> id;
  std::vector<double> v, c;
  for (const auto& r : rs) kind.push_back(std::uint8_t(r.kind)), id.push_back(r.id), v.push_back(r.value), c.push_back(r.contribution);
  FrameBuilder f;
  f.enums<sc::RecordKind>("kind", adopt(std::move(kind)));
  f.ints("id", adopt(std::move(id)));
  f.floats("value", adopt(std::move(v)));
  f.floats("contribution", adopt(std::move(c)));
  return f.frame();
}

/// Adds `status`, `ok`, `records` and `records_frame()` to a result class that has them.
template <class R, class Cls>
void common_result(Cls& cls) {
  cls.def_readonly("status", &R::status)
      .def_property_readonly("ok", [](const R& r) { return ok(r.status); }, "Whether the values may be used.");
  if constexpr (requires(R r) { r.records; }) {
    cls.def_readonly("records", &R::records, "With explain=True: the records behind the value and their shares.")
        .def("records_frame", [](const R& r) { return records_frame(r.records); },
             "The records behind the value as a DataFrame: kind, id, value, contribution.");
  }
}

/// Runs a score with its keywords resolved under the read lock, then without the GIL.
template <class Resolve, class Compute>
auto run(const PyOrgPtr& o, Resolve resolve_args, Compute compute) {
  auto args = read(*o, resolve_args);
  return read_long(o, [args, compute](const Organisation& org) { return std::apply([&](auto&... a) { return compute(org, a...); }, args); });
}

sc::RetentionWeights to_retention_weights(py::handle h) {
  if (h.is_none()) return {};
  if (py::isinstance<sc::RetentionWeights>(h)) return h.cast<sc::RetentionWeights>();
  sc::RetentionWeights w;
  for (auto [k, v] : py::reinterpret_borrow<py::dict>(h)) {
    auto name = k.cast<std::string>();
    double x = v.cast<double>();
    if (name == "satisfaction") w.satisfaction = x;
    else if (name == "trend") w.trend = x;
    else if (name == "recency") w.recency = x;
    else if (name == "broken_agreements") w.broken_agreements = x;
    else throw ValidationError("unknown retention weight '" + name + "' (expected satisfaction, trend, recency, broken_agreements)");
  }
  w.validate();
  return w;
}

struct PyPlan {
  PyOrgPtr org;
  sc::SuppressionPlan plan;
};

struct PyBlindSpots {
  PyOrgPtr org;
  sc::BlindSpots spots;
};

py::object stats_frame(const std::vector<sc::SatisfactionStats>& rows, int first_year) {
  std::vector<std::int32_t> year;
  std::vector<std::uint8_t> status;
  std::vector<std::int64_t> n, resp;
  std::vector<double> mean, sd, mn, sdn;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& s = rows[i];
    bool k = ok(s.status);
    year.push_back(first_year + int(i)), status.push_back(std::uint8_t(s.status)), n.push_back(s.n), resp.push_back(s.respondents);
    mean.push_back(k && s.scale ? s.mean : nan), sd.push_back(k && s.scale ? s.sd : nan);
    mn.push_back(k ? s.mean_normalised : nan), sdn.push_back(k ? s.sd_normalised : nan);
  }
  FrameBuilder f;
  f.ints("year", adopt(std::move(year)));
  f.enums<sc::Status>("status", adopt(std::move(status)));
  f.ints("n", adopt(std::move(n)));
  f.ints("respondents", adopt(std::move(resp)));
  f.floats("mean", adopt(std::move(mean)));
  f.floats("sd", adopt(std::move(sd)));
  f.floats("mean_normalised", adopt(std::move(mn)));
  f.floats("sd_normalised", adopt(std::move(sdn)));
  return py::module_::import("rapport._frames").attr("score_frame")(f.frame("year"));
}

}  // namespace

// --------------------------------------------------------------------------- fishbone health colours

std::vector<BoneHealth> relationship_health(const Organisation& o, const std::vector<RelationshipId>& rels,
                                            std::optional<Date> as_of) {
  std::vector<BoneHealth> out;
  if (rels.empty()) return out;
  Date when = as_of ? *as_of : latest_date(o);
  for (RelationshipId r : rels) {
    sc::HealthResult h = sc::health(o, sc::Scope::of(r), when);
    BoneHealth b;
    if (ok(h.status)) b = BoneHealth{true, h.health, std::string(sc::to_string(h.band))};
    out.push_back(b);
  }
  return out;
}

// ------------------------------------------------------------------------------------------ module

void init_scores(py::module_& m) {
  register_enum<sc::Status>(m, "Whether a score's value may be used: ok, no_data, suppressed, suppressed_complementary.");
  register_enum<sc::RecordKind>(m, "The kind of record a contribution names.");
  register_enum<sc::NpsPreset>(m, "NPS bucket edges: standard (9-10 / 7-8 / 0-6) or cultureiq (9-10 / 6-8 / 0-5, for eNPS).");
  register_enum<sc::CsatPreset>(m, "CSAT as the top-two-box share or as the mean.");
  register_enum<sc::GapKind>(m, "A perception gap: none, blind_spot (self > others) or hidden_strength (self < others).");
  register_enum<sc::HealthComponent>(m, "The components of health.");
  register_enum<sc::Band>(m, "Health bands: red <= 50 < yellow <= 75 < green.");
  register_enum<sc::RetentionFactor>(m, "The factors of retention risk.");
  register_enum<sc::ReplacementCost>(m, "Replacement cost presets: percent_21 (21 % of salary), months_6_to_9, half_to_double.");
  register_enum<sc::ServqualDimension>(m, "The SERVQUAL dimensions.");
  register_enum<sc::ServqualMode>(m, "SERVQUAL as perception - expectation (gap) or perceptions only (SERVPERF).");
  register_enum<sc::Role>(m, "Whose view a per-unit batch takes: provider (what its customers say) or recipient.");
  register_enum<sc::Measure>(m, "Which conversations a suppression plan counts.");

  py::module_ s = m.def_submodule("score", "Scores: explainable, privacy-aware numbers about relationships and units.");

  // --- value types ----------------------------------------------------------------------------
  py::class_<sc::Contribution>(s, "Contribution", "One record behind a score and its share of the headline value.")
      .def_readonly("kind", &sc::Contribution::kind)
      .def_readonly("id", &sc::Contribution::id)
      .def_readonly("value", &sc::Contribution::value)
      .def_readonly("contribution", &sc::Contribution::contribution)
      .def("__repr__", [](const sc::Contribution& c) {
        return "Contribution(kind='" + std::string(sc::to_string(c.kind)) + "', id=" + std::to_string(c.id) + ", value=" +
               fmt(c.value) + ", contribution=" + fmt(c.contribution) + ")";
      });

  py::class_<sc::HealthWeights>(s, "HealthWeights", "Relative weights of health's components (normalised over those with data).")
      .def(py::init([](double satisfaction, double trend, double reliability, double recency, double complaints) {
             sc::HealthWeights w{satisfaction, trend, reliability, recency, complaints};
             w.validate();
             return w;
           }),
           py::kw_only(), py::arg("satisfaction") = 0.40, py::arg("trend") = 0.15, py::arg("reliability") = 0.20,
           py::arg("recency") = 0.15, py::arg("complaints") = 0.10)
      .def_readonly("satisfaction", &sc::HealthWeights::satisfaction)
      .def_readonly("trend", &sc::HealthWeights::trend)
      .def_readonly("reliability", &sc::HealthWeights::reliability)
      .def_readonly("recency", &sc::HealthWeights::recency)
      .def_readonly("complaints", &sc::HealthWeights::complaints)
      .def("__repr__", [](const sc::HealthWeights& w) {
        return "HealthWeights(satisfaction=" + fmt(w.satisfaction) + ", trend=" + fmt(w.trend) + ", reliability=" +
               fmt(w.reliability) + ", recency=" + fmt(w.recency) + ", complaints=" + fmt(w.complaints) + ")";
      });

  py::class_<sc::RetentionWeights>(s, "RetentionWeights", "Relative weights of retention risk's factors.")
      .def(py::init([](double satisfaction, double trend, double recency, double broken_agreements) {
             sc::RetentionWeights w{satisfaction, trend, recency, broken_agreements};
             w.validate();
             return w;
           }),
           py::kw_only(), py::arg("satisfaction") = 0.40, py::arg("trend") = 0.20, py::arg("recency") = 0.20,
           py::arg("broken_agreements") = 0.20)
      .def_readonly("satisfaction", &sc::RetentionWeights::satisfaction)
      .def_readonly("trend", &sc::RetentionWeights::trend)
      .def_readonly("recency", &sc::RetentionWeights::recency)
      .def_readonly("broken_agreements", &sc::RetentionWeights::broken_agreements)
      .def("__repr__", [](const sc::RetentionWeights& w) {
        return "RetentionWeights(satisfaction=" + fmt(w.satisfaction) + ", trend=" + fmt(w.trend) + ", recency=" +
               fmt(w.recency) + ", broken_agreements=" + fmt(w.broken_agreements) + ")";
      });

  // --- satisfaction ---------------------------------------------------------------------------
  {
    using R = sc::SatisfactionStats;
    py::class_<R> c(s, "SatisfactionStats", "n, mean, standard deviation and distribution of scored conversations.");
    common_result<R>(c);
    c.def_readonly("n", &R::n)
        .def_readonly("respondents", &R::respondents)
        .def_property_readonly("scale", [](const R& r) { return r.scale; }, "The one scale of every answer, or None when several.")
        .def_property_readonly("mean", [](const R& r) { return ok(r.status) && r.scale ? py::object(py::float_(r.mean)) : py::object(py::none()); },
                               "Mean on `scale` (None when not ok or several scales).")
        .def_property_readonly("sd", [](const R& r) { return ok(r.status) && r.scale ? py::object(py::float_(r.sd)) : py::object(py::none()); },
                               "Population standard deviation on `scale`.")
        .def_property_readonly("mean_normalised", [](const R& r) { return value(r.status, r.mean_normalised); }, "Mean on 0-100.")
        .def_property_readonly("sd_normalised", [](const R& r) { return value(r.status, r.sd_normalised); })
        .def_property_readonly("distribution", [](const R& r) -> py::object {
          if (!ok(r.status) || !r.scale) return py::none();
          py::dict d;
          for (std::size_t i = 0; i < r.distribution.size(); ++i) d[py::int_(int(r.scale->min) + int(i))] = r.distribution[i];
          return d;
        }, "Score -> count, on the one scale.")
        .def("__repr__", [](const R& r) {
          std::string t = "SatisfactionStats(status=" + status_text(r.status) + ", n=" + std::to_string(r.n) +
                          ", respondents=" + std::to_string(r.respondents);
          if (ok(r.status)) {
            if (r.scale) t += ", mean=" + fmt(r.mean) + ", sd=" + fmt(r.sd) + ", scale=Scale(" + std::to_string(r.scale->min) + ", " + std::to_string(r.scale->max) + ")";
            t += ", mean_normalised=" + fmt(r.mean_normalised);
          }
          return t + ")";
        });
  }
  s.def("satisfaction", [](const PyOrgPtr& o, RAPPORT_PY_SCOPE_PARAMS, RAPPORT_PY_FILTER_PARAMS, RAPPORT_PY_OPTION_PARAMS) {
    return run(o, [&](const Organisation& org) {
      return std::make_tuple(make_scope(org, relationship, unit, side, subtree), make_filter(org, period, kinds, bonds, guide),
                             make_options(min_group, min_group_text, complementary, explain));
    }, [](const Organisation& org, const sc::Scope& sc_, const sc::Filter& f, const sc::Options& op) { return sc::satisfaction(org, sc_, f, op); });
  }, py::arg("org"), py::kw_only(), RAPPORT_PY_SCOPE_ARGS, RAPPORT_PY_FILTER_ARGS, RAPPORT_PY_OPTION_ARGS,
     "Satisfaction statistics at a scope (relationship=, unit= with optional side=, subtree=, or the whole "
     "organisation) over the conversations that pass the filter (period=, kinds=, bonds=, guide=).");

  s.def("satisfaction_by_year", [](const PyOrgPtr& o, int first_year, int last_year, RAPPORT_PY_SCOPE_PARAMS, py::object kinds,
                                   py::object bonds, py::object guide, RAPPORT_PY_OPTION_PARAMS) {
    auto rows = run(o, [&](const Organisation& org) {
      return std::make_tuple(make_scope(org, relationship, unit, side, subtree), make_filter(org, py::none(), kinds, bonds, guide),
                             make_options(min_group, min_group_text, complementary, explain));
    }, [first_year, last_year](const Organisation& org, const sc::Scope& sc_, const sc::Filter& f, const sc::Options& op) {
      return sc::satisfaction_by_year(org, sc_, first_year, last_year, f, op);
    });
    return stats_frame(rows, first_year);
  }, py::arg("org"), py::arg("first_year"), py::arg("last_year"), py::kw_only(), RAPPORT_PY_SCOPE_ARGS, py::arg("kinds") = py::none(),
     py::arg("bonds") = py::none(), py::arg("guide") = py::none(), RAPPORT_PY_OPTION_ARGS,
     "Satisfaction per calendar year first_year..last_year as a DataFrame indexed by year.");

  // --- NPS and CSAT ---------------------------------------------------------------------------
  {
    using R = sc::NpsResult;
    py::class_<R> c(s, "NpsResult", "Net Promoter Score (0-10 answers only) with its standard error.");
    common_result<R>(c);
    c.def_readonly("n", &R::n)
        .def_readonly("respondents", &R::respondents)
        .def_readonly("promoters", &R::promoters)
        .def_readonly("passives", &R::passives)
        .def_readonly("detractors", &R::detractors)
        .def_property_readonly("nps", [](const R& r) { return value(r.status, r.nps); }, "-100..100.")
        .def_property_readonly("se", [](const R& r) { return value(r.status, r.se); }, "Standard error of the NPS.")
        .def("__repr__", [](const R& r) {
          std::string t = "NpsResult(status=" + status_text(r.status) + ", n=" + std::to_string(r.n);
          if (ok(r.status))
            t += ", promoters=" + std::to_string(r.promoters) + ", passives=" + std::to_string(r.passives) +
                 ", detractors=" + std::to_string(r.detractors) + ", nps=" + fmt(r.nps) + ", se=" + fmt(r.se);
          return t + ")";
        });
  }
  s.def("nps", [](const PyOrgPtr& o, RAPPORT_PY_SCOPE_PARAMS, RAPPORT_PY_FILTER_PARAMS, sc::NpsPreset preset, RAPPORT_PY_OPTION_PARAMS) {
    return run(o, [&](const Organisation& org) {
      return std::make_tuple(make_scope(org, relationship, unit, side, subtree), make_filter(org, period, kinds, bonds, guide),
                             make_options(min_group, min_group_text, complementary, explain));
    }, [preset](const Organisation& org, const sc::Scope& sc_, const sc::Filter& f, const sc::Options& op) { return sc::nps(org, sc_, f, preset, op); });
  }, py::arg("org"), py::kw_only(), RAPPORT_PY_SCOPE_ARGS, RAPPORT_PY_FILTER_ARGS, py::arg("preset") = sc::NpsPreset::standard,
     RAPPORT_PY_OPTION_ARGS, "NPS at a scope over 0-10 answers (answers on other scales are never fed into NPS).");
  s.def("nps_of_scores", [](std::vector<int> scores, sc::NpsPreset preset) { return sc::nps_of_scores(scores, preset); },
        py::arg("scores"), py::arg("preset") = sc::NpsPreset::standard, "NPS of raw 0-10 scores (no privacy: your own numbers).");
  s.def("nps_of_counts", &sc::nps_of_counts, py::arg("promoters"), py::arg("passives"), py::arg("detractors"),
        "NPS of bucket counts.");
  {
    using R = sc::CsatResult;
    py::class_<R> c(s, "CsatResult", "Customer satisfaction: top-two-box percentage or mean.");
    common_result<R>(c);
    c.def_readonly("n", &R::n)
        .def_readonly("respondents", &R::respondents)
        .def_readonly("scale", &R::scale)
        .def_property_readonly("value", [](const R& r) { return value(r.status, r.value); }, "top_two_box: percent; mean: on the scale.")
        .def_property_readonly("value_normalised", [](const R& r) { return value(r.status, r.value_normalised); }, "0-100.")
        .def("__repr__", [](const R& r) {
          std::string t = "CsatResult(status=" + status_text(r.status) + ", n=" + std::to_string(r.n);
          if (ok(r.status)) t += ", value=" + fmt(r.value) + ", value_normalised=" + fmt(r.value_normalised);
          return t + ")";
        });
  }
  s.def("csat", [](const PyOrgPtr& o, RAPPORT_PY_SCOPE_PARAMS, RAPPORT_PY_FILTER_PARAMS, sc::CsatPreset preset, RAPPORT_PY_OPTION_PARAMS) {
    return run(o, [&](const Organisation& org) {
      return std::make_tuple(make_scope(org, relationship, unit, side, subtree), make_filter(org, period, kinds, bonds, guide),
                             make_options(min_group, min_group_text, complementary, explain));
    }, [preset](const Organisation& org, const sc::Scope& sc_, const sc::Filter& f, const sc::Options& op) { return sc::csat(org, sc_, f, preset, op); });
  }, py::arg("org"), py::kw_only(), RAPPORT_PY_SCOPE_ARGS, RAPPORT_PY_FILTER_ARGS, py::arg("preset") = sc::CsatPreset::top_two_box,
     RAPPORT_PY_OPTION_ARGS, "CSAT at a scope; the answers must lie on one scale (filter by guide= when several are in use).");

  // --- trend ----------------------------------------------------------------------------------
  {
    using R = sc::TrendResult;
    py::class_<R> c(s, "TrendResult", "The change of mean satisfaction between two periods.");
    common_result<R>(c);
    c.def_readonly("before", &R::before)
        .def_readonly("after", &R::after)
        .def_property_readonly("delta", [](const R& r) { return value(r.status, r.delta); }, "Change of the normalised mean, 0-100 points.")
        .def_property_readonly("delta_scale", [](const R& r) { return optional_value(r.status, r.delta_scale); }, "Change in scale units (one scale only).")
        .def_property_readonly("se", [](const R& r) { return optional_value(r.status, r.se); }, "Welch standard error of `delta`.")
        .def("__repr__", [](const R& r) {
          std::string t = "TrendResult(status=" + status_text(r.status);
          if (ok(r.status)) {
            t += ", before=" + fmt(r.before.mean_normalised) + ", after=" + fmt(r.after.mean_normalised) + ", delta=" + fmt(r.delta);
            if (r.se) t += ", se=" + fmt(*r.se);
          }
          return t + ")";
        });
  }
  s.def("trend", [](const PyOrgPtr& o, py::object before, py::object after, RAPPORT_PY_SCOPE_PARAMS, py::object kinds, py::object bonds,
                    py::object guide, RAPPORT_PY_OPTION_PARAMS) {
    return run(o, [&](const Organisation& org) {
      return std::make_tuple(make_scope(org, relationship, unit, side, subtree), make_filter(org, py::none(), kinds, bonds, guide),
                             make_options(min_group, min_group_text, complementary, explain), to_period(before), to_period(after));
    }, [](const Organisation& org, const sc::Scope& sc_, const sc::Filter& f, const sc::Options& op, const Period& b, const Period& a) {
      return sc::trend(org, sc_, b, a, f, op);
    });
  }, py::arg("org"), py::arg("before"), py::arg("after"), py::kw_only(), RAPPORT_PY_SCOPE_ARGS, py::arg("kinds") = py::none(),
     py::arg("bonds") = py::none(), py::arg("guide") = py::none(), RAPPORT_PY_OPTION_ARGS,
     "The trend at a scope from period `before` to period `after` (Periods, (begin, end) pairs or years).");
  s.def("year_over_year", [](const PyOrgPtr& o, int year, RAPPORT_PY_SCOPE_PARAMS, py::object kinds, py::object bonds, py::object guide,
                             RAPPORT_PY_OPTION_PARAMS) {
    return run(o, [&](const Organisation& org) {
      return std::make_tuple(make_scope(org, relationship, unit, side, subtree), make_filter(org, py::none(), kinds, bonds, guide),
                             make_options(min_group, min_group_text, complementary, explain));
    }, [year](const Organisation& org, const sc::Scope& sc_, const sc::Filter& f, const sc::Options& op) { return sc::year_over_year(org, sc_, year, f, op); });
  }, py::arg("org"), py::arg("year"), py::kw_only(), RAPPORT_PY_SCOPE_ARGS, py::arg("kinds") = py::none(), py::arg("bonds") = py::none(),
     py::arg("guide") = py::none(), RAPPORT_PY_OPTION_ARGS, "The trend from year - 1 to year.");

  // --- coverage and reliability ---------------------------------------------------------------
  {
    using R = sc::CoverageResult;
    py::class_<R> c(s, "CoverageResult", "The share of relationships with a conversation in the last twelve months, and the overdue ones.");
    common_result<R>(c);
    c.def_readonly("relationships", &R::relationships)
        .def_readonly("covered", &R::covered)
        .def_property_readonly("share", [](const R& r) { return value(r.status, r.share); }, "covered / relationships, 0-1.")
        .def_property_readonly("overdue", [](const R& r) {
          std::vector<std::uint32_t> rel;
          std::vector<std::int32_t> last, days;
          py::array_t<bool> mask(py::ssize_t(r.overdue.size()));
          auto mm = mask.mutable_unchecked<1>();
          for (std::size_t i = 0; i < r.overdue.size(); ++i) {
            const auto& x = r.overdue[i];
            rel.push_back(x.relationship.value), last.push_back(x.last ? x.last->days : 0), days.push_back(x.days_since_last);
            mm(py::ssize_t(i)) = !x.last;
          }
          py::array dv = adopt(std::move(days));
          FrameBuilder f;
          f.ints("relationship", adopt(std::move(rel)));
          f.dates("last", adopt(std::move(last)), mask);
          f.nullable_ints("days_since_last", dv, mask);
          return f.frame();
        }, "The overdue relationships as a DataFrame: relationship, last conversation (NaT: never), days since.")
        .def("__repr__", [](const R& r) {
          std::string t = "CoverageResult(status=" + status_text(r.status) + ", relationships=" + std::to_string(r.relationships) +
                          ", covered=" + std::to_string(r.covered);
          if (ok(r.status)) t += ", share=" + fmt(r.share) + ", overdue=" + std::to_string(r.overdue.size());
          return t + ")";
        });
  }
  s.def("coverage", [](const PyOrgPtr& o, py::object as_of, RAPPORT_PY_SCOPE_PARAMS, py::object kinds, bool explain) {
    return run(o, [&](const Organisation& org) {
      sc::Options op;
      op.explain = explain;
      return std::make_tuple(make_scope(org, relationship, unit, side, subtree), as_of_or_latest(org, as_of), kind_bits(kinds, sc::review_kinds), op);
    }, [](const Organisation& org, const sc::Scope& sc_, Date d, std::uint8_t k, const sc::Options& op) { return sc::coverage(org, sc_, d, k, op); });
  }, py::arg("org"), py::arg("as_of") = py::none(), py::kw_only(), RAPPORT_PY_SCOPE_ARGS, py::arg("kinds") = "reviews",
     py::arg("explain") = false,
     "Coverage as of `as_of` (default: the latest conversation date): relationships that had a conversation of "
     "`kinds` (default: the yearly reviews) in the twelve months up to it.");
  {
    using R = sc::ReliabilityResult;
    py::class_<sc::ReliabilityState>(s, "ReliabilityCounts", "Agreement counts behind a reliability score.")
        .def_readonly("due", &sc::ReliabilityState::due)
        .def_readonly("kept", &sc::ReliabilityState::kept)
        .def_readonly("broken", &sc::ReliabilityState::broken)
        .def_readonly("dropped", &sc::ReliabilityState::dropped)
        .def_readonly("open", &sc::ReliabilityState::open)
        .def_readonly("kept_on_time", &sc::ReliabilityState::kept_on_time)
        .def_readonly("open_overdue", &sc::ReliabilityState::open_overdue)
        .def("__repr__", [](const sc::ReliabilityState& x) {
          return "ReliabilityCounts(due=" + std::to_string(x.due) + ", kept=" + std::to_string(x.kept) + ", broken=" +
                 std::to_string(x.broken) + ", dropped=" + std::to_string(x.dropped) + ", open=" + std::to_string(x.open) +
                 ", kept_on_time=" + std::to_string(x.kept_on_time) + ", open_overdue=" + std::to_string(x.open_overdue) + ")";
        });
    py::class_<R> c(s, "ReliabilityResult", "Trust: kept / (kept + broken) of the agreements that came due.");
    common_result<R>(c);
    c.def_readonly("counts", &R::counts)
        .def_property_readonly("reliability", [](const R& r) { return value(r.status, r.reliability); }, "0-1.")
        .def_property_readonly("on_time_share", [](const R& r) { return value(r.status, r.on_time_share); }, "0-1.")
        .def("__repr__", [](const R& r) {
          std::string t = "ReliabilityResult(status=" + status_text(r.status) + ", kept=" + std::to_string(r.counts.kept) +
                          ", broken=" + std::to_string(r.counts.broken);
          if (ok(r.status)) t += ", reliability=" + fmt(r.reliability) + ", on_time_share=" + fmt(r.on_time_share);
          return t + ", open_overdue=" + std::to_string(r.counts.open_overdue) + ")";
        });
  }
  s.def("reliability", [](const PyOrgPtr& o, py::object period, py::object as_of, RAPPORT_PY_SCOPE_PARAMS, bool explain) {
    return run(o, [&](const Organisation& org) {
      sc::Options op;
      op.explain = explain;
      Date d = as_of_or_latest(org, as_of);
      Period p = period.is_none() ? Period::last_twelve_months(d) : to_period(period);
      return std::make_tuple(make_scope(org, relationship, unit, side, subtree), p, d, op);
    }, [](const Organisation& org, const sc::Scope& sc_, const Period& p, Date d, const sc::Options& op) { return sc::reliability(org, sc_, p, d, op); });
  }, py::arg("org"), py::arg("period") = py::none(), py::arg("as_of") = py::none(), py::kw_only(), RAPPORT_PY_SCOPE_ARGS,
     py::arg("explain") = false,
     "Reliability of the agreements due in `period` (default: the twelve months up to `as_of`); open overdue ones "
     "counted as of `as_of` (default: the latest conversation date).");

  // --- perception -----------------------------------------------------------------------------
  {
    using R = sc::GapResult;
    py::class_<R> c(s, "GapResult", "Perception gap: the provider's self-assessment minus the recipient's score.");
    common_result<R>(c);
    c.def_readonly("n", &R::n)
        .def_readonly("respondents", &R::respondents)
        .def_property_readonly("self_mean", [](const R& r) { return value(r.status, r.self_mean); }, "Normalised 0-100.")
        .def_property_readonly("others_mean", [](const R& r) { return value(r.status, r.others_mean); }, "Normalised 0-100.")
        .def_property_readonly("gap", [](const R& r) { return value(r.status, r.gap); }, "self_mean - others_mean, normalised points.")
        .def_property_readonly("gap_scale", [](const R& r) { return optional_value(r.status, r.gap_scale); })
        .def_property_readonly("kind", [](const R& r) -> py::object { return ok(r.status) ? py::cast(r.kind) : py::none(); })
        .def_property_readonly("significant", [](const R& r) { return ok(r.status) && r.significant; }, "|gap| > a third of the span.")
        .def("__repr__", [](const R& r) {
          std::string t = "GapResult(status=" + status_text(r.status) + ", n=" + std::to_string(r.n);
          if (ok(r.status))
            t += ", self_mean=" + fmt(r.self_mean) + ", others_mean=" + fmt(r.others_mean) + ", gap=" + fmt(r.gap) + ", kind='" +
                 std::string(sc::to_string(r.kind)) + "'" + (r.significant ? ", significant=True" : "");
          return t + ")";
        });
  }
  s.def("perception_gap", [](const PyOrgPtr& o, RAPPORT_PY_SCOPE_PARAMS, RAPPORT_PY_FILTER_PARAMS, RAPPORT_PY_OPTION_PARAMS) {
    return run(o, [&](const Organisation& org) {
      return std::make_tuple(make_scope(org, relationship, unit, side, subtree), make_filter(org, period, kinds, bonds, guide),
                             make_options(min_group, min_group_text, complementary, explain));
    }, [](const Organisation& org, const sc::Scope& sc_, const sc::Filter& f, const sc::Options& op) { return sc::perception_gap(org, sc_, f, op); });
  }, py::arg("org"), py::kw_only(), RAPPORT_PY_SCOPE_ARGS, RAPPORT_PY_FILTER_ARGS, RAPPORT_PY_OPTION_ARGS,
     "The perception gap at a scope over conversations holding both a score and a self-assessment.");

  py::class_<PyBlindSpots>(s, "BlindSpots", "Every relationship and unit whose perception gap is significant.")
      .def_property_readonly("relationships", [](const PyBlindSpots& b) {
        const auto& x = b.spots;
        std::vector<std::uint32_t> id, prov, reci;
        std::vector<std::uint8_t> kind;
        py::list pk, rk;
        read(*b.org, [&](const Organisation& org) {
          for (RelationshipId r : x.relationships) {
            id.push_back(r.value);
            const Relationship* rel = org.relationships().find(r);
            prov.push_back(rel ? rel->provider.value : 0), reci.push_back(rel ? rel->recipient.value : 0);
            pk.append(rel && org.units().find(rel->provider) ? py::object(py::str(org.unit(rel->provider).key)) : py::object(py::none()));
            rk.append(rel && org.units().find(rel->recipient) ? py::object(py::str(org.unit(rel->recipient).key)) : py::object(py::none()));
          }
        });
        for (auto k : x.relationship_kinds) kind.push_back(std::uint8_t(k));
        FrameBuilder f;
        f.ints("relationship", adopt(std::move(id)));
        f.ints("provider", adopt(std::move(prov)));
        f.strings("provider_key", pk);
        f.ints("recipient", adopt(std::move(reci)));
        f.strings("recipient_key", rk);
        f.enums<sc::GapKind>("kind", adopt(std::move(kind)));
        f.floats("gap", adopt(std::vector<double>(x.relationship_gaps)));
        return f.frame("relationship");
      }, "Relationships with a significant gap: provider, recipient, kind, gap (normalised points).")
      .def_property_readonly("units", [](const PyBlindSpots& b) {
        const auto& x = b.spots;
        std::vector<std::uint32_t> id;
        std::vector<std::uint8_t> kind;
        py::list key, name;
        read(*b.org, [&](const Organisation& org) {
          for (UnitId u : x.units) {
            id.push_back(u.value);
            const Unit* unit = org.units().find(u);
            key.append(unit ? py::object(py::str(unit->key)) : py::object(py::none()));
            name.append(unit ? py::object(py::str(unit->name)) : py::object(py::none()));
          }
        });
        for (auto k : x.unit_kinds) kind.push_back(std::uint8_t(k));
        FrameBuilder f;
        f.ints("unit", adopt(std::move(id)));
        f.strings("key", key);
        f.strings("name", name);
        f.enums<sc::GapKind>("kind", adopt(std::move(kind)));
        f.floats("gap", adopt(std::vector<double>(x.unit_gaps)));
        return f.frame("unit");
      }, "Units (as providers) with a significant aggregate gap: key, name, kind, gap.")
      .def("__repr__", [](const PyBlindSpots& b) {
        return "BlindSpots(relationships=" + std::to_string(b.spots.relationships.size()) + ", units=" + std::to_string(b.spots.units.size()) + ")";
      });
  s.def("significant_gaps", [](const PyOrgPtr& o, RAPPORT_PY_FILTER_PARAMS, RAPPORT_PY_PRIVACY_PARAMS) {
    auto spots = run(o, [&](const Organisation& org) {
      return std::make_tuple(make_filter(org, period, kinds, bonds, guide), make_options(min_group, min_group_text, complementary, false));
    }, [](const Organisation& org, const sc::Filter& f, const sc::Options& op) { return sc::significant_gaps(org, f, op); });
    return PyBlindSpots{o, std::move(spots)};
  }, py::arg("org"), py::kw_only(), RAPPORT_PY_FILTER_ARGS, RAPPORT_PY_PRIVACY_ARGS,
     "Blind spots and hidden strengths: every relationship and unit whose gap is significant.");

  {
    using R = sc::Reciprocity;
    py::class_<R> c(s, "Reciprocity", "Two units that rate each other: a's score of b against b's score of a (normalised).");
    common_result<R>(c);
    c.def_readonly("a", &R::a)
        .def_readonly("b", &R::b)
        .def_readonly("n_a_of_b", &R::n_a_of_b)
        .def_readonly("n_b_of_a", &R::n_b_of_a)
        .def_property_readonly("a_of_b", [](const R& r) { return value(r.status, r.a_of_b); })
        .def_property_readonly("b_of_a", [](const R& r) { return value(r.status, r.b_of_a); })
        .def_property_readonly("difference", [](const R& r) { return value(r.status, r.difference); }, "a_of_b - b_of_a.")
        .def("__repr__", [](const R& r) {
          std::string t = "Reciprocity(status=" + status_text(r.status) + ", a=" + std::to_string(r.a.value) + ", b=" + std::to_string(r.b.value);
          if (ok(r.status)) t += ", a_of_b=" + fmt(r.a_of_b) + ", b_of_a=" + fmt(r.b_of_a) + ", difference=" + fmt(r.difference);
          return t + ")";
        });
  }
  s.def("reciprocity", [](const PyOrgPtr& o, UnitRef a, UnitRef b, RAPPORT_PY_FILTER_PARAMS, bool explain) {
    return run(o, [&](const Organisation& org) {
      sc::Options op;
      op.explain = explain;
      UnitId ua = resolve(org, a), ub = resolve(org, b);
      org.unit(ua), org.unit(ub);
      return std::make_tuple(ua, ub, make_filter(org, period, kinds, bonds, guide), op);
    }, [](const Organisation& org, UnitId ua, UnitId ub, const sc::Filter& f, const sc::Options& op) { return sc::reciprocity(org, ua, ub, f, op); });
  }, py::arg("org"), py::arg("a"), py::arg("b"), py::kw_only(), RAPPORT_PY_FILTER_ARGS, py::arg("explain") = false,
     "How `a` rates `b` against how `b` rates `a` (a named one-to-one score).");
  s.def("reciprocal_pairs", [](const PyOrgPtr& o, RAPPORT_PY_FILTER_PARAMS) {
    auto pairs = run(o, [&](const Organisation& org) { return std::make_tuple(make_filter(org, period, kinds, bonds, guide)); },
                     [](const Organisation& org, const sc::Filter& f) { return sc::reciprocal_pairs(org, f); });
    std::vector<std::uint32_t> a, b;
    std::vector<std::int64_t> nab, nba;
    std::vector<double> ab, ba, d;
    for (const auto& p : pairs)
      a.push_back(p.a.value), b.push_back(p.b.value), nab.push_back(p.n_a_of_b), nba.push_back(p.n_b_of_a), ab.push_back(p.a_of_b),
          ba.push_back(p.b_of_a), d.push_back(p.difference);
    FrameBuilder f;
    f.ints("a", adopt(std::move(a)));
    f.ints("b", adopt(std::move(b)));
    f.ints("n_a_of_b", adopt(std::move(nab)));
    f.ints("n_b_of_a", adopt(std::move(nba)));
    f.floats("a_of_b", adopt(std::move(ab)));
    f.floats("b_of_a", adopt(std::move(ba)));
    f.floats("difference", adopt(std::move(d)));
    return py::module_::import("rapport._frames").attr("score_frame")(f.frame());
  }, py::arg("org"), py::kw_only(), RAPPORT_PY_FILTER_ARGS,
     "Every pair of units (a < b) with scores in both directions, as a DataFrame.");

  // --- local optimiser ------------------------------------------------------------------------
  {
    using R = sc::LocalOptimiserResult;
    py::class_<R> c(s, "LocalOptimiserResult", "Rating from the payer chain minus the mean rating from the fabric (throughput and output).");
    common_result<R>(c);
    c.def_readonly("n_payer", &R::n_payer)
        .def_readonly("n_fabric", &R::n_fabric)
        .def_readonly("respondents_fabric", &R::respondents_fabric)
        .def_property_readonly("payer_mean", [](const R& r) { return value(r.status, r.payer_mean); })
        .def_property_readonly("fabric_mean", [](const R& r) { return value(r.status, r.fabric_mean); })
        .def_property_readonly("index", [](const R& r) { return value(r.status, r.index); }, "payer_mean - fabric_mean, normalised points.")
        .def_property_readonly("se", [](const R& r) { return optional_value(r.status, r.se); })
        .def_property_readonly("flagged", [](const R& r) { return ok(r.status) && r.flagged; }, "Large and significant.")
        .def("__repr__", [](const R& r) {
          std::string t = "LocalOptimiserResult(status=" + status_text(r.status) + ", n_payer=" + std::to_string(r.n_payer) +
                          ", n_fabric=" + std::to_string(r.n_fabric);
          if (ok(r.status)) {
            t += ", payer_mean=" + fmt(r.payer_mean) + ", fabric_mean=" + fmt(r.fabric_mean) + ", index=" + fmt(r.index);
            if (r.se) t += ", se=" + fmt(*r.se);
            t += r.flagged ? ", flagged=True" : "";
          }
          return t + ")";
        });
  }
  s.def("local_optimiser", [](const PyOrgPtr& o, UnitRef unit, RAPPORT_PY_FILTER_PARAMS, double min_index, double min_z,
                              bool exclude_payer_from_fabric, RAPPORT_PY_OPTION_PARAMS) {
    sc::LocalOptimiserOptions lo{min_index, min_z, exclude_payer_from_fabric};
    return run(o, [&](const Organisation& org) {
      UnitId u = resolve(org, unit);
      org.unit(u);
      return std::make_tuple(u, make_filter(org, period, kinds, bonds, guide), make_options(min_group, min_group_text, complementary, explain));
    }, [lo](const Organisation& org, UnitId u, const sc::Filter& f, const sc::Options& op) { return sc::local_optimiser(org, u, f, lo, op); });
  }, py::arg("org"), py::arg("unit"), py::kw_only(), RAPPORT_PY_FILTER_ARGS, py::arg("min_index") = 20.0, py::arg("min_z") = 1.96,
     py::arg("exclude_payer_from_fabric") = false, RAPPORT_PY_OPTION_ARGS,
     "The local optimiser index of `unit`: flagged when at least `min_index` points and `min_z` standard errors.");

  // --- health ---------------------------------------------------------------------------------
  {
    py::class_<sc::HealthPart>(s, "HealthPart", "One component of health and its contribution.")
        .def_readonly("component", &sc::HealthPart::component)
        .def_readonly("status", &sc::HealthPart::status)
        .def_property_readonly("score", [](const sc::HealthPart& p) { return value(p.status, p.score); }, "0-100.")
        .def_readonly("weight", &sc::HealthPart::weight)
        .def_readonly("contribution", &sc::HealthPart::contribution)
        .def_readonly("records", &sc::HealthPart::records)
        .def("records_frame", [](const sc::HealthPart& p) { return records_frame(p.records); })
        .def("__repr__", [](const sc::HealthPart& p) {
          return "HealthPart(component='" + std::string(sc::to_string(p.component)) + "', status=" + status_text(p.status) +
                 (ok(p.status) ? ", score=" + fmt(p.score) : "") + ", weight=" + fmt(p.weight) + ", contribution=" + fmt(p.contribution) + ")";
        });
    using R = sc::HealthResult;
    py::class_<R> c(s, "HealthResult", "Health 0-100: a weighted mean of satisfaction, trend, reliability, recency and complaints.");
    common_result<R>(c);
    c.def_property_readonly("health", [](const R& r) { return value(r.status, r.health); }, "0-100.")
        .def_property_readonly("band", [](const R& r) -> py::object { return ok(r.status) ? py::cast(r.band) : py::none(); },
                               "red <= 50 < yellow <= 75 < green.")
        .def_property_readonly("parts", [](const R& r) { return std::vector<sc::HealthPart>(r.parts.begin(), r.parts.end()); })
        .def("to_frame", [](const R& r) {
          std::vector<std::uint8_t> comp, st;
          std::vector<double> score, weight, contrib;
          const double nan = std::numeric_limits<double>::quiet_NaN();
          for (const auto& p : r.parts)
            comp.push_back(std::uint8_t(p.component)), st.push_back(std::uint8_t(p.status)), score.push_back(ok(p.status) ? p.score : nan),
                weight.push_back(p.weight), contrib.push_back(p.contribution);
          FrameBuilder f;
          f.enums<sc::HealthComponent>("component", adopt(std::move(comp)));
          f.enums<sc::Status>("status", adopt(std::move(st)));
          f.floats("score", adopt(std::move(score)));
          f.floats("weight", adopt(std::move(weight)));
          f.floats("contribution", adopt(std::move(contrib)));
          return py::module_::import("rapport._frames").attr("score_frame")(f.frame());
        }, "Each component: status, score, effective weight and contribution (the contributions add up to the health).")
        .def("_repr_html_", [](const R& r) { return py::module_::import("rapport._html").attr("health_html")(py::cast(r)); })
        .def("__repr__", [](const R& r) {
          std::string t = "HealthResult(status=" + status_text(r.status);
          if (ok(r.status)) t += ", health=" + fmt(r.health) + ", band='" + std::string(sc::to_string(r.band)) + "'";
          return t + ")";
        });
  }
  s.def("health", [](const PyOrgPtr& o, py::object as_of, RAPPORT_PY_SCOPE_PARAMS, py::object weights, RAPPORT_PY_OPTION_PARAMS) {
    return run(o, [&](const Organisation& org) {
      return std::make_tuple(make_scope(org, relationship, unit, side, subtree), as_of_or_latest(org, as_of), to_health_weights(weights),
                             make_options(min_group, min_group_text, complementary, explain));
    }, [](const Organisation& org, const sc::Scope& sc_, Date d, const sc::HealthWeights& w, const sc::Options& op) { return sc::health(org, sc_, d, w, op); });
  }, py::arg("org"), py::arg("as_of") = py::none(), py::kw_only(), RAPPORT_PY_SCOPE_ARGS, py::arg("weights") = py::none(),
     RAPPORT_PY_OPTION_ARGS,
     "Health at a scope as of `as_of` (default: the latest conversation date), over the twelve months up to it. "
     "`weights` is a HealthWeights or a dict of component -> weight.");
  s.def("band_of", &sc::band_of, py::arg("health"), "The band of a health value.");

  // --- retention ------------------------------------------------------------------------------
  {
    py::class_<sc::RetentionPart>(s, "RetentionPart", "One factor of retention risk and its contribution.")
        .def_readonly("factor", &sc::RetentionPart::factor)
        .def_readonly("status", &sc::RetentionPart::status)
        .def_property_readonly("risk", [](const sc::RetentionPart& p) { return value(p.status, p.risk); }, "0-1.")
        .def_readonly("weight", &sc::RetentionPart::weight)
        .def_readonly("contribution", &sc::RetentionPart::contribution)
        .def_readonly("records", &sc::RetentionPart::records)
        .def("records_frame", [](const sc::RetentionPart& p) { return records_frame(p.records); })
        .def("__repr__", [](const sc::RetentionPart& p) {
          return "RetentionPart(factor='" + std::string(sc::to_string(p.factor)) + "', status=" + status_text(p.status) +
                 (ok(p.status) ? ", risk=" + fmt(p.risk) : "") + ", weight=" + fmt(p.weight) + ", contribution=" + fmt(p.contribution) + ")";
        });
    using R = sc::RetentionRisk;
    py::class_<R> c(s, "RetentionRisk", "The risk (0-1) of losing an employee, from their leadership relationship.");
    common_result<R>(c);
    c.def_readonly("employee", &R::employee)
        .def_property_readonly("risk", [](const R& r) { return value(r.status, r.risk); }, "0-1.")
        .def_property_readonly("parts", [](const R& r) { return std::vector<sc::RetentionPart>(r.parts.begin(), r.parts.end()); })
        .def("to_frame", [](const R& r) {
          std::vector<std::uint8_t> fac, st;
          std::vector<double> risk, weight, contrib;
          const double nan = std::numeric_limits<double>::quiet_NaN();
          for (const auto& p : r.parts)
            fac.push_back(std::uint8_t(p.factor)), st.push_back(std::uint8_t(p.status)), risk.push_back(ok(p.status) ? p.risk : nan),
                weight.push_back(p.weight), contrib.push_back(p.contribution);
          FrameBuilder f;
          f.enums<sc::RetentionFactor>("factor", adopt(std::move(fac)));
          f.enums<sc::Status>("status", adopt(std::move(st)));
          f.floats("risk", adopt(std::move(risk)));
          f.floats("weight", adopt(std::move(weight)));
          f.floats("contribution", adopt(std::move(contrib)));
          return py::module_::import("rapport._frames").attr("score_frame")(f.frame());
        }, "Each factor: status, risk, effective weight and contribution (the contributions add up to the risk).")
        .def("__repr__", [](const R& r) {
          std::string t = "RetentionRisk(status=" + status_text(r.status) + ", employee=" + std::to_string(r.employee.value);
          if (ok(r.status)) t += ", risk=" + fmt(r.risk);
          return t + ")";
        });
  }
  s.def("retention_risk", [](const PyOrgPtr& o, UnitRef employee, py::object as_of, py::object weights, bool explain) {
    return run(o, [&](const Organisation& org) {
      sc::Options op;
      op.explain = explain;
      UnitId u = resolve(org, employee);
      org.unit(u);
      return std::make_tuple(u, as_of_or_latest(org, as_of), to_retention_weights(weights), op);
    }, [](const Organisation& org, UnitId u, Date d, const sc::RetentionWeights& w, const sc::Options& op) { return sc::retention_risk(org, u, d, w, op); });
  }, py::arg("org"), py::arg("employee"), py::arg("as_of") = py::none(), py::kw_only(), py::arg("weights") = py::none(),
     py::arg("explain") = false,
     "The retention risk of an employee (the recipient of a leadership relationship) as of `as_of` (default: the latest "
     "conversation date). `weights` is a RetentionWeights or a dict of factor -> weight.");
  s.def("retention_risks", [](const PyOrgPtr& o, py::object as_of, py::object units, py::object weights, py::object salary,
                              sc::ReplacementCost preset) {
    // Every employee of a leadership relationship (or the units given), one core call each, GIL released.
    auto args = read(*o, [&](const Organisation& org) {
      std::vector<UnitId> who;
      if (units.is_none()) {
        std::vector<char> seen(org.units().id_bound(), 0);
        for (const Relationship& r : org.relationships())
          if (r.bond == Bond::leadership && !seen[r.recipient.value]) seen[r.recipient.value] = 1;
        for (std::size_t i = 0; i < seen.size(); ++i)
          if (seen[i]) who.push_back(UnitId{std::uint32_t(i)});
      } else {
        for (py::handle u : py::reinterpret_borrow<py::iterable>(units)) {
          UnitId id = resolve(org, u.cast<UnitRef>());
          org.unit(id);
          who.push_back(id);
        }
      }
      return std::make_tuple(who, as_of_or_latest(org, as_of), to_retention_weights(weights));
    });
    auto risks = read_long(o, [args](const Organisation& org, const std::atomic<bool>& cancelled) {
      auto& [who, d, w] = args;
      std::vector<sc::RetentionRisk> out;
      out.reserve(who.size());
      for (UnitId u : who) {
        if (cancelled) throw Cancelled{};
        out.push_back(sc::retention_risk(org, u, d, w));
      }
      return out;
    }, true);
    std::vector<std::uint32_t> id;
    std::vector<std::uint8_t> st;
    std::vector<double> risk;
    std::array<std::vector<double>, sc::retention_factor_count> factor;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    py::list key, name;
    read(*o, [&](const Organisation& org) {
      for (const auto& r : risks) {
        id.push_back(r.employee.value), st.push_back(std::uint8_t(r.status)), risk.push_back(ok(r.status) ? r.risk : nan);
        for (int f = 0; f < sc::retention_factor_count; ++f) factor[f].push_back(ok(r.parts[f].status) ? r.parts[f].risk : nan);
        const Unit* u = org.units().find(r.employee);
        key.append(u ? py::object(py::str(u->key)) : py::object(py::none()));
        name.append(u ? py::object(py::str(u->name)) : py::object(py::none()));
      }
    });
    FrameBuilder f;
    f.ints("unit", adopt(std::move(id)));
    f.strings("key", key);
    f.strings("name", name);
    f.enums<sc::Status>("status", adopt(std::move(st)));
    py::array risk_arr = adopt(std::move(risk));
    f.floats("risk", risk_arr);
    for (int k = 0; k < sc::retention_factor_count; ++k) {
      std::string col = std::string(sc::to_string(sc::RetentionFactor(k))) + "_risk";
      f.floats(col.c_str(), adopt(std::move(factor[k])));
    }
    py::object frame = f.frame("unit");
    if (!salary.is_none())
      frame = py::module_::import("rapport._frames").attr("add_cost_of_loss")(frame, salary, py::cast(preset));
    return py::module_::import("rapport._frames").attr("score_frame")(frame);
  }, py::arg("org"), py::arg("as_of") = py::none(), py::kw_only(), py::arg("units") = py::none(), py::arg("weights") = py::none(),
     py::arg("salary") = py::none(), py::arg("preset") = sc::ReplacementCost::percent_21,
     "Retention risk of every employee of a leadership relationship (or of `units`) as a DataFrame indexed by unit id, "
     "with each factor's risk. With `salary` (one annual salary, or a mapping / Series from unit key or id to salary) "
     "it adds the replacement cost and the expected cost of loss (risk x replacement cost) for `preset`.");
  py::class_<sc::ReplacementRange>(s, "ReplacementRange", "A replacement cost preset as a share of annual salary.")
      .def_readonly("low", &sc::ReplacementRange::low)
      .def_readonly("high", &sc::ReplacementRange::high)
      .def_property_readonly("citation", [](const sc::ReplacementRange& r) { return std::string(r.citation); })
      .def("__repr__", [](const sc::ReplacementRange& r) {
        return "ReplacementRange(low=" + fmt(r.low) + ", high=" + fmt(r.high) + ", citation=" + py::repr(py::str(std::string(r.citation))).cast<std::string>() + ")";
      });
  s.def("replacement_range", &sc::replacement_range, py::arg("preset") = sc::ReplacementCost::percent_21);
  py::class_<sc::CostOfLoss>(s, "CostOfLoss", "Replacement cost and expected cost of loss (risk x replacement cost).")
      .def_readonly("replacement_low", &sc::CostOfLoss::replacement_low)
      .def_readonly("replacement_high", &sc::CostOfLoss::replacement_high)
      .def_readonly("expected_low", &sc::CostOfLoss::expected_low)
      .def_readonly("expected_high", &sc::CostOfLoss::expected_high)
      .def("__repr__", [](const sc::CostOfLoss& c) {
        return "CostOfLoss(replacement_low=" + fmt(c.replacement_low) + ", replacement_high=" + fmt(c.replacement_high) +
               ", expected_low=" + fmt(c.expected_low) + ", expected_high=" + fmt(c.expected_high) + ")";
      });
  s.def("expected_cost_of_loss", &sc::expected_cost_of_loss, py::arg("risk"), py::arg("annual_salary"),
        py::arg("preset") = sc::ReplacementCost::percent_21, "Expected cost of loss = risk x replacement cost.");

  // --- SERVQUAL -------------------------------------------------------------------------------
  {
    py::class_<sc::ServqualDimensionResult>(s, "ServqualDimensionResult", "One SERVQUAL dimension.")
        .def_readonly("dimension", &sc::ServqualDimensionResult::dimension)
        .def_readonly("status", &sc::ServqualDimensionResult::status)
        .def_property_readonly("ok", [](const sc::ServqualDimensionResult& d) { return ok(d.status); })
        .def_readonly("n", &sc::ServqualDimensionResult::n)
        .def_readonly("respondents", &sc::ServqualDimensionResult::respondents)
        .def_property_readonly("perception", [](const sc::ServqualDimensionResult& d) { return value(d.status, d.perception); })
        .def_property_readonly("expectation", [](const sc::ServqualDimensionResult& d) { return value(d.status, d.expectation); })
        .def_property_readonly("value", [](const sc::ServqualDimensionResult& d) { return value(d.status, d.value); })
        .def_readonly("records", &sc::ServqualDimensionResult::records)
        .def("__repr__", [](const sc::ServqualDimensionResult& d) {
          return "ServqualDimensionResult(dimension='" + std::string(sc::to_string(d.dimension)) + "', status=" + status_text(d.status) +
                 (ok(d.status) ? ", value=" + fmt(d.value) : "") + ")";
        });
    using R = sc::ServqualResult;
    py::class_<R> c(s, "ServqualResult", "SERVQUAL per dimension: perception - expectation, or perceptions only.");
    c.def_readonly("status", &R::status)
        .def_property_readonly("ok", [](const R& r) { return ok(r.status); })
        .def_readonly("mode", &R::mode)
        .def_readonly("scale", &R::scale)
        .def_readonly("invalid_answers", &R::invalid_answers)
        .def_property_readonly("dimensions", [](const R& r) { return std::vector<sc::ServqualDimensionResult>(r.dimensions.begin(), r.dimensions.end()); })
        .def_property_readonly("overall", [](const R& r) { return value(r.status, r.overall); }, "Unweighted mean of the ok dimensions.")
        .def("to_frame", [](const R& r) {
          std::vector<std::uint8_t> dim, st;
          std::vector<std::int64_t> n, resp;
          std::vector<double> per, exp, val;
          const double nan = std::numeric_limits<double>::quiet_NaN();
          for (const auto& d : r.dimensions) {
            bool k = ok(d.status);
            dim.push_back(std::uint8_t(d.dimension)), st.push_back(std::uint8_t(d.status)), n.push_back(d.n), resp.push_back(d.respondents);
            per.push_back(k ? d.perception : nan), exp.push_back(k && r.mode == sc::ServqualMode::gap ? d.expectation : nan), val.push_back(k ? d.value : nan);
          }
          FrameBuilder f;
          f.enums<sc::ServqualDimension>("dimension", adopt(std::move(dim)));
          f.enums<sc::Status>("status", adopt(std::move(st)));
          f.ints("n", adopt(std::move(n)));
          f.ints("respondents", adopt(std::move(resp)));
          f.floats("perception", adopt(std::move(per)));
          f.floats("expectation", adopt(std::move(exp)));
          f.floats("value", adopt(std::move(val)));
          return py::module_::import("rapport._frames").attr("score_frame")(f.frame());
        })
        .def("__repr__", [](const R& r) {
          std::string t = "ServqualResult(status=" + status_text(r.status) + ", mode='" + std::string(mode_name(r.mode)) + "'";
          if (ok(r.status)) t += ", overall=" + fmt(r.overall);
          return t + ")";
        });
  }
  s.def("servqual", [](const PyOrgPtr& o, RAPPORT_PY_SCOPE_PARAMS, RAPPORT_PY_FILTER_PARAMS, sc::ServqualMode mode, RAPPORT_PY_OPTION_PARAMS) {
    return run(o, [&](const Organisation& org) {
      return std::make_tuple(make_scope(org, relationship, unit, side, subtree), make_filter(org, period, kinds, bonds, guide),
                             make_options(min_group, min_group_text, complementary, explain));
    }, [mode](const Organisation& org, const sc::Scope& sc_, const sc::Filter& f, const sc::Options& op) { return sc::servqual(org, sc_, f, mode, op); });
  }, py::arg("org"), py::kw_only(), RAPPORT_PY_SCOPE_ARGS, RAPPORT_PY_FILTER_ARGS, py::arg("mode") = sc::ServqualMode::gap,
     RAPPORT_PY_OPTION_ARGS, "SERVQUAL at a scope over conversations following a SERVQUAL guide (see add_servqual_guide).");
  s.def("add_servqual_guide", [](PyOrg& o, std::string key, py::object scale) {
    GuideSpec spec = sc::servqual_guide(std::move(key), to_scale(scale));
    return write(o, [&](Organisation& org) { return org.guide(org.add_guide(std::move(spec))); });
  }, py::arg("org"), py::arg("key") = "servqual", py::arg("scale") = py::make_tuple(1, 7),
     "Adds a SERVQUAL guide (questions `<dimension>.expectation` and `<dimension>.perception`, English and German); "
     "answers are integers on its scale, written as text.");
  s.def("parse_servqual_key", [](std::string_view key) -> py::object {
    auto item = sc::parse_servqual_key(key);
    if (!item) return py::none();
    py::dict d;
    d["dimension"] = item->dimension;
    d["item"] = item->item;
    d["perception"] = item->perception;
    return d;
  }, py::arg("question_key"), "What a question key means for SERVQUAL: {dimension, item, perception}, or None.");

  // --- privacy --------------------------------------------------------------------------------
  py::class_<PyPlan>(s, "SuppressionPlan", "The status of every report of one filter and measure (primary and complementary suppression).")
      .def("unit", [](const PyPlan& p, UnitRef u) { return p.plan.unit(read(*p.org, [&](const Organisation& org) { return resolve(org, u); })); },
           py::arg("unit"))
      .def("side", [](const PyPlan& p, UnitRef u, Side side) {
        return p.plan.side(read(*p.org, [&](const Organisation& org) { return resolve(org, u); }), side);
      }, py::arg("unit"), py::arg("side"))
      .def("subtree", [](const PyPlan& p, UnitRef u) { return p.plan.subtree(read(*p.org, [&](const Organisation& org) { return resolve(org, u); })); },
           py::arg("unit"))
      .def("organisation", [](const PyPlan& p) { return p.plan.organisation(); })
      .def("status", [](const PyPlan& p, RAPPORT_PY_SCOPE_PARAMS) {
        return p.plan.status(read(*p.org, [&](const Organisation& org) { return make_scope(org, relationship, unit, side, subtree); }));
      }, py::kw_only(), RAPPORT_PY_SCOPE_ARGS)
      .def_property_readonly("complementary_count", [](const PyPlan& p) { return p.plan.complementary_count(); },
                             "How many reports complementary suppression withheld.")
      .def_property_readonly("measure", [](const PyPlan& p) { return p.plan.measure(); })
      .def("to_frame", [](const PyPlan& p) {
        std::vector<std::uint32_t> id;
        std::vector<std::uint8_t> own, out, thr, in, sub;
        py::list key;
        read(*p.org, [&](const Organisation& org) {
          for (const Unit& u : org.units()) {
            id.push_back(u.id.value), key.append(u.key);
            own.push_back(std::uint8_t(p.plan.unit(u.id))), out.push_back(std::uint8_t(p.plan.side(u.id, Side::output)));
            thr.push_back(std::uint8_t(p.plan.side(u.id, Side::throughput))), in.push_back(std::uint8_t(p.plan.side(u.id, Side::input)));
            sub.push_back(std::uint8_t(p.plan.subtree(u.id)));
          }
        });
        FrameBuilder f;
        f.ints("unit", adopt(std::move(id)));
        f.strings("key", key);
        f.enums<sc::Status>("unit_report", adopt(std::move(own)));
        f.enums<sc::Status>("output", adopt(std::move(out)));
        f.enums<sc::Status>("throughput", adopt(std::move(thr)));
        f.enums<sc::Status>("input", adopt(std::move(in)));
        f.enums<sc::Status>("subtree", adopt(std::move(sub)));
        return f.frame("unit");
      }, "Every unit's report statuses: its own report, each side, its subtree.")
      .def("__repr__", [](const PyPlan& p) {
        return "SuppressionPlan(measure='" + std::string(sc::to_string(p.plan.measure())) + "', organisation=" +
               status_text(p.plan.organisation()) + ", complementary=" + std::to_string(p.plan.complementary_count()) + ")";
      });
  s.def("plan_suppression", [](const PyOrgPtr& o, RAPPORT_PY_FILTER_PARAMS, sc::Measure measure, RAPPORT_PY_PRIVACY_PARAMS) {
    auto plan = run(o, [&](const Organisation& org) {
      return std::make_tuple(make_filter(org, period, kinds, bonds, guide), make_privacy(min_group, min_group_text, complementary));
    }, [measure](const Organisation& org, const sc::Filter& f, const sc::Privacy& pr) { return sc::plan_suppression(org, f, measure, pr); });
    return PyPlan{o, std::move(plan)};
  }, py::arg("org"), py::kw_only(), RAPPORT_PY_FILTER_ARGS, py::arg("measure") = sc::Measure::score, RAPPORT_PY_PRIVACY_ARGS,
     "Which reports of this filter and measure may be shown (minimum group size, complementary suppression).");
  py::class_<sc::TextAnswers>(s, "TextAnswers", "Free-text answers to one question at a scope, or none with a status.")
      .def_readonly("status", &sc::TextAnswers::status)
      .def_property_readonly("ok", [](const sc::TextAnswers& t) { return ok(t.status); })
      .def_readonly("respondents", &sc::TextAnswers::respondents)
      .def_readonly("conversations", &sc::TextAnswers::conversations)
      .def_readonly("texts", &sc::TextAnswers::texts)
      .def("__len__", [](const sc::TextAnswers& t) { return t.texts.size(); })
      .def("__iter__", [](const sc::TextAnswers& t) { return py::iter(py::cast(t.texts)); })
      .def("__repr__", [](const sc::TextAnswers& t) {
        return "TextAnswers(status=" + status_text(t.status) + ", respondents=" + std::to_string(t.respondents) + ", texts=" + std::to_string(t.texts.size()) + ")";
      });
  s.def("free_text", [](const PyOrgPtr& o, std::string question, RAPPORT_PY_SCOPE_PARAMS, RAPPORT_PY_FILTER_PARAMS, RAPPORT_PY_PRIVACY_PARAMS) {
    return run(o, [&](const Organisation& org) {
      return std::make_tuple(make_scope(org, relationship, unit, side, subtree), make_filter(org, period, kinds, bonds, guide),
                             make_options(min_group, min_group_text, complementary, false));
    }, [question](const Organisation& org, const sc::Scope& sc_, const sc::Filter& f, const sc::Options& op) { return sc::free_text(org, sc_, question, f, op); });
  }, py::arg("org"), py::arg("question"), py::kw_only(), RAPPORT_PY_SCOPE_ARGS, RAPPORT_PY_FILTER_ARGS, RAPPORT_PY_PRIVACY_ARGS,
     "Free-text answers to `question` at a scope; an aggregate needs `min_group_text` distinct respondents.");
  s.def("classify_gap", &sc::classify_gap, py::arg("gap_normalised"), "The kind of a gap in normalised points.");

  s.def("latest_date", [](const PyOrgPtr& o) { return read_nogil(*o, [](const Organisation& org) { return latest_date(org); }); },
        py::arg("org"), "The latest conversation date (the default `as_of` of every score).");

  init_batch(s);
}

}  // namespace rapport::python
