// Batch scores: every unit (or relationship, or unit-year) in one pass, as pandas DataFrames whose numeric
// columns are NumPy arrays over the core's own result vectors: no copy. The result object the core
// returned is kept alive as the arrays' base (`df["mean"].to_numpy().base` leads to it).
//
// Where a value is not ok (no data, suppressed) the core leaves 0 in it; before anything is shared, those
// entries are overwritten with NaN in place, so pandas sees them as missing. Dates, statuses and enum
// columns are converted (copies): pandas stores datetime64[ns] and categoricals in its own layout.
#include <cmath>
#include <limits>

#include "score_common.hpp"

namespace rapport::python {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
bool ok(std::uint8_t s) { return s == std::uint8_t(sc::Status::ok); }

sc::BatchOptions batch_options(sc::Role role, py::handle scale, sc::NpsPreset preset, const sc::Privacy& privacy) {
  sc::BatchOptions b;
  b.role = role;
  b.scale = to_scale(scale);
  b.preset = preset;
  b.privacy = privacy;
  return b;
}

/// A bool column over a uint8 buffer (0/1), without a copy.
py::array bool_view(std::span<const std::uint8_t> v, py::handle owner) {
  return py::array(py::dtype("bool"), {py::ssize_t(v.size())}, {py::ssize_t(1)}, v.data(), owner);
}

/// Readable columns for unit rows: key, name, kind. `cache`: the handle's kept strings.
void unit_labels(FrameBuilder& f, const Organisation& org, std::span<const std::uint32_t> ids, UnitTextCache& cache) {
  std::vector<std::int8_t> kind(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const Unit* u = org.units().find(UnitId{ids[i]});
    kind[i] = u ? std::int8_t(u->kind) : std::int8_t(-1);
  }
  f.strings("key", UnitText(org, UnitText::key, &cache).column(ids));
  f.strings("name", UnitText(org, UnitText::name, &cache).column(ids));
  f.enums<UnitKind>("kind", adopt(std::move(kind)));
}

/// The per-call columns live in the memory the core keeps for its results (sc::ResultColumn): fresh
/// pages (about 12 us per 4 KiB on the VMs we measure on) were two fifths of latest_scores from Python.
/// The ends and bonds come from the batch index's columns (none32 for an id that names no
/// relationship), not from a lookup per row.
void relationship_labels(FrameBuilder& f, const Organisation& org, std::span<const std::uint32_t> ids, UnitTextCache& cache,
                         sc::BatchIndexCache& indexes) {
  const auto index = indexes.get(org);
  const auto provider = index->providers(), recipient = index->recipients();
  const auto bonds = index->bonds();
  const std::size_t n = ids.size();
  sc::ResultColumn<std::int64_t> prov, reci;
  sc::ResultColumn<std::uint32_t> pu, ru;  // no unit: 0xFFFFFFFF, a None key
  sc::ResultColumn<std::int8_t> bond;
  sc::ResultColumn<std::uint8_t> missing;
  detail::size_for_overwrite(n, prov, reci, pu, ru, bond, missing);  // every row is written below
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t id = ids[i];
    const bool is = id < provider.size() && provider[id] != 0xFFFFFFFFu;
    missing[i] = !is;
    prov[i] = is ? provider[id] : 0, reci[i] = is ? recipient[id] : 0;
    pu[i] = is ? provider[id] : 0xFFFFFFFFu, ru[i] = is ? recipient[id] : 0xFFFFFFFFu;
    bond[i] = is ? std::int8_t(bonds[id]) : std::int8_t(-1);
  }
  UnitText keys(org, UnitText::key, &cache);
  // Each column its own mask: pandas writes a column's mask in place when a value is set.
  sc::ResultColumn<std::uint8_t> missing_too(missing);
  f.nullable_ints("provider", adopt(std::move(prov)), adopt_flags(std::move(missing)));
  f.nullable_ints("recipient", adopt(std::move(reci)), adopt_flags(std::move(missing_too)));
  f.enums<Bond>("bond", adopt(std::move(bond)));
  f.strings("provider_key", keys.column(pu));
  f.strings("recipient_key", keys.column(ru));
}

py::object score_frame(py::object frame, py::handle owner) {
  return py::module_::import("rapport._frames").attr("score_frame")(frame, owner);
}

/// ScoreColumns -> DataFrame indexed by unit (or relationship) id, numeric columns shared with `owner`.
py::object columns_frame(sc::ScoreColumns& c, py::handle owner, const PyOrgPtr& o, bool relationships) {
  for (std::size_t i = 0; i < c.id.size(); ++i)
    if (!ok(c.status[i])) {
      c.mean[i] = c.sd[i] = c.mean_normalised[i] = nan;
      if (!c.nps.empty()) c.nps[i] = c.nps_se[i] = nan;
    }
  FrameBuilder f;
  read(*o, [&](const Organisation& org) {
    if (relationships) relationship_labels(f, org, c.id, o->unit_text, o->batch_index);
    else unit_labels(f, org, c.id, o->unit_text);
  });
  f.enums<sc::Status>("status", view_of(c.status, owner));
  f.ints("n", view_of(c.n, owner));
  f.ints("respondents", view_of(c.respondents, owner));
  f.floats("mean", view_of(c.mean, owner));
  f.floats("sd", view_of(c.sd, owner));
  f.floats("mean_normalised", view_of(c.mean_normalised, owner));
  if (!c.nps.empty()) {
    f.ints("promoters", view_of(c.promoters, owner));
    f.ints("passives", view_of(c.passives, owner));
    f.ints("detractors", view_of(c.detractors, owner));
    f.floats("nps", view_of(c.nps, owner));
    f.floats("nps_se", view_of(c.nps_se, owner));
  }
  py::object frame = f.frame(nullptr, py::reinterpret_borrow<py::object>(owner));
  frame.attr("index").attr("name") = relationships ? "relationship" : "unit";
  frame.attr("attrs")["skipped_other_scale"] = c.skipped_other_scale;
  return score_frame(frame, owner);
}

py::object years_frame(sc::YearColumns& c, py::handle owner, const PyOrgPtr& o) {
  for (std::size_t i = 0; i < c.unit.size(); ++i) {
    if (!ok(c.status[i])) c.mean[i] = c.sd[i] = nan;
    if (!ok(c.change_status[i])) c.delta[i] = c.delta_se[i] = nan;
    if (!c.has_se[i]) c.delta_se[i] = nan;
  }
  FrameBuilder f;
  f.ints("unit", view_of(c.unit, owner));
  read(*o, [&](const Organisation& org) { f.strings("key", UnitText(org, UnitText::key, &o->unit_text).column(c.unit)); });
  f.ints("year", view_of(c.year, owner));
  f.enums<sc::Status>("status", view_of(c.status, owner));
  f.ints("n", view_of(c.n, owner));
  f.ints("respondents", view_of(c.respondents, owner));
  f.floats("mean", view_of(c.mean, owner));
  f.floats("sd", view_of(c.sd, owner));
  f.enums<sc::Status>("change_status", view_of(c.change_status, owner));
  f.floats("delta", view_of(c.delta, owner));
  f.floats("delta_se", view_of(c.delta_se, owner));
  py::object frame = f.frame(nullptr, py::reinterpret_borrow<py::object>(owner));
  frame.attr("attrs")["skipped_other_scale"] = c.skipped_other_scale;
  return score_frame(frame, owner);
}

py::object latest_frame(sc::LatestColumns& c, py::handle owner, const PyOrgPtr& o) {
  sc::ResultColumn<std::uint8_t> not_ok;
  detail::size_for_overwrite(c.relationship.size(), not_ok);
  for (std::size_t i = 0; i < c.relationship.size(); ++i) {  // no branch: without data at random
    not_ok[i] = !ok(c.status[i]);
    c.score_normalised[i] = not_ok[i] ? nan : c.score_normalised[i];
  }
  py::array missing = adopt_flags(sc::ResultColumn<std::uint8_t>(not_ok)), missing_too = adopt_flags(std::move(not_ok));  // one per column
  FrameBuilder f;
  read(*o, [&](const Organisation& org) { relationship_labels(f, org, c.relationship, o->unit_text, o->batch_index); });
  f.enums<sc::Status>("status", view_of(c.status, owner));
  f.dates("date", view_of(c.date, owner), missing);
  f.nullable_ints("conversation", view_of(c.conversation, owner), missing);
  f.nullable_ints("score", view_of(c.score, owner), missing_too);
  f.floats("score_normalised", view_of(c.score_normalised, owner));
  py::object frame = f.frame(nullptr, py::reinterpret_borrow<py::object>(owner));
  frame.attr("index").attr("name") = "relationship";
  return score_frame(frame, owner);
}

py::object optimisers_frame(sc::LocalOptimiserColumns& c, py::handle owner, const PyOrgPtr& o) {
  for (std::size_t i = 0; i < c.unit.size(); ++i) {
    if (!ok(c.status[i])) c.payer_mean[i] = c.fabric_mean[i] = c.index[i] = c.se[i] = nan;
    if (!c.has_se[i]) c.se[i] = nan;
  }
  FrameBuilder f;
  read(*o, [&](const Organisation& org) { unit_labels(f, org, c.unit, o->unit_text); });
  f.enums<sc::Status>("status", view_of(c.status, owner));
  f.ints("n_payer", view_of(c.n_payer, owner));
  f.ints("n_fabric", view_of(c.n_fabric, owner));
  f.ints("respondents_fabric", view_of(c.respondents_fabric, owner));
  f.floats("payer_mean", view_of(c.payer_mean, owner));
  f.floats("fabric_mean", view_of(c.fabric_mean, owner));
  f.floats("index", view_of(c.index, owner));
  f.floats("se", view_of(c.se, owner));
  f.bools("flagged", bool_view(c.flagged, owner));
  py::object frame = f.frame(nullptr, py::reinterpret_borrow<py::object>(owner));
  frame.attr("index").attr("name") = "unit";
  return score_frame(frame, owner);
}

/// Hands a result to Python (which then owns it) and returns the owning object.
template <class T>
py::object own(T&& result) {
  return py::cast(new std::decay_t<T>(std::forward<T>(result)), py::return_value_policy::take_ownership);
}

template <class T>
T& owned(py::handle owner) {
  return *owner.cast<T*>();
}

}  // namespace

void init_batch(py::module_& s) {
  // The owners: opaque holders of the core's result vectors, the arrays' base objects.
  py::class_<sc::ScoreColumns>(s, "ScoreColumns", "Owns the columns of a per-unit or per-relationship batch (the DataFrame's buffers).")
      .def_readonly("skipped_other_scale", &sc::ScoreColumns::skipped_other_scale)
      .def("__len__", [](const sc::ScoreColumns& c) { return c.id.size(); })
      .def("__repr__", [](const sc::ScoreColumns& c) { return "<rapport.score.ScoreColumns: " + std::to_string(c.id.size()) + " rows>"; });
  py::class_<sc::YearColumns>(s, "YearColumns", "Owns the columns of a per-unit, per-year batch.")
      .def_readonly("first_year", &sc::YearColumns::first_year)
      .def_readonly("last_year", &sc::YearColumns::last_year)
      .def("__len__", [](const sc::YearColumns& c) { return c.unit.size(); })
      .def("__repr__", [](const sc::YearColumns& c) { return "<rapport.score.YearColumns: " + std::to_string(c.unit.size()) + " rows>"; });
  py::class_<sc::LatestColumns>(s, "LatestColumns", "Owns the columns of the latest scores of every relationship.")
      .def("__len__", [](const sc::LatestColumns& c) { return c.relationship.size(); })
      .def("__repr__", [](const sc::LatestColumns& c) { return "<rapport.score.LatestColumns: " + std::to_string(c.relationship.size()) + " rows>"; });
  py::class_<sc::LocalOptimiserColumns>(s, "LocalOptimiserColumns", "Owns the columns of the local optimiser batch.")
      .def("__len__", [](const sc::LocalOptimiserColumns& c) { return c.unit.size(); })
      .def("__repr__", [](const sc::LocalOptimiserColumns& c) { return "<rapport.score.LocalOptimiserColumns: " + std::to_string(c.unit.size()) + " rows>"; });

  py::class_<sc::UnitPartial>(s, "UnitPartial",
                              "Mergeable per-unit sums of a batch: compute one per partition of the conversations "
                              "(organisations with the same units and relationships), merge, then finish.")
      .def("merge", [](sc::UnitPartial& p, const sc::UnitPartial& other) { p.merge(other); }, py::arg("other"))
      .def("__eq__", [](const sc::UnitPartial& a, const sc::UnitPartial& b) { return a == b; }, py::is_operator())
      .def_readonly("skipped_other_scale", &sc::UnitPartial::skipped_other_scale)
      .def("__repr__", [](const sc::UnitPartial& p) { return "<rapport.score.UnitPartial: " + std::to_string(p.n.size()) + " units>"; });
  py::class_<sc::YearPartial>(s, "YearPartial", "Mergeable per (unit, year) sums of a year batch.")
      .def("merge", [](sc::YearPartial& p, const sc::YearPartial& other) { p.merge(other); }, py::arg("other"))
      .def("__eq__", [](const sc::YearPartial& a, const sc::YearPartial& b) { return a == b; }, py::is_operator())
      .def("__repr__", [](const sc::YearPartial& p) {
        return "<rapport.score.YearPartial: " + std::to_string(p.first_year) + "-" + std::to_string(p.last_year) + ">";
      });

  const char* batch_doc =
      " One pass over the conversation columns with the GIL released. Returns a ScoreFrame (a pandas DataFrame) "
      "indexed by id, whose numeric columns share memory with the core's result (no copy); values that are not ok "
      "are NaN. Answers on other scales than `scale` are skipped (df.attrs['skipped_other_scale']).";

  auto units_like = [&](const char* name, auto fn, bool relationships, const char* doc) {
    s.def(name, [fn, relationships](const PyOrgPtr& o, RAPPORT_PY_FILTER_PARAMS, sc::Role role, py::object scale, sc::NpsPreset preset,
                                    RAPPORT_PY_PRIVACY_PARAMS) {
      auto args = read(*o, [&](const Organisation& org) {
        return std::make_pair(make_filter(org, period, kinds, bonds, guide),
                              batch_options(role, scale, preset, make_privacy(min_group, min_group_text, complementary)));
      });
      py::object owner = own(read_long(o, [o, args, fn](const Organisation& org) {
        auto index = o->batch_index.get(org);
        return fn(org, *index, args.first, args.second);
      }));
      return columns_frame(owned<sc::ScoreColumns>(owner), owner, o, relationships);
    }, py::arg("org"), py::kw_only(), RAPPORT_PY_FILTER_ARGS, py::arg("role") = sc::Role::provider, py::arg("scale") = py::make_tuple(0, 10),
       py::arg("preset") = sc::NpsPreset::standard, RAPPORT_PY_PRIVACY_ARGS, (std::string(doc) + batch_doc).c_str());
  };
  units_like("unit_scores", [](const Organisation& org, const sc::BatchIndex& i, const sc::Filter& f, const sc::BatchOptions& b) {
    return sc::unit_scores(org, i, f, b);
  }, false, "Every unit's satisfaction and NPS (as provider: what its customers, employees and colleagues say).");
  units_like("subtree_scores", [](const Organisation& org, const sc::BatchIndex& i, const sc::Filter& f, const sc::BatchOptions& b) {
    return sc::subtree_scores(org, i, f, b);
  }, false, "Every unit's subtree (the unit and all below it, as providers): satisfaction and NPS.");
  units_like("relationship_scores", [](const Organisation& org, const sc::BatchIndex& i, const sc::Filter& f, const sc::BatchOptions& b) {
    return sc::relationship_scores(org, i, f, b);
  }, true, "Every relationship's satisfaction and NPS (named one-to-one scores, never suppressed).");

  s.def("latest_scores", [](const PyOrgPtr& o, RAPPORT_PY_FILTER_PARAMS) {
    auto f = read(*o, [&](const Organisation& org) { return make_filter(org, period, kinds, bonds, guide); });
    py::object owner = own(read_long(o, [o, f](const Organisation& org) {
      auto index = o->batch_index.get(org);
      return sc::latest_scores(org, *index, f);
    }));
    return latest_frame(owned<sc::LatestColumns>(owner), owner, o);
  }, py::arg("org"), py::kw_only(), RAPPORT_PY_FILTER_ARGS,
     "The latest scored conversation of every relationship (any scale): conversation, date, score, normalised score. "
     "Indexed by relationship id; numeric columns shared with the core's result.");

  s.def("unit_years", [](const PyOrgPtr& o, int first_year, int last_year, py::object kinds, py::object bonds, py::object guide,
                         sc::Role role, py::object scale, sc::NpsPreset preset, RAPPORT_PY_PRIVACY_PARAMS) {
    auto args = read(*o, [&](const Organisation& org) {
      return std::make_pair(make_filter(org, py::none(), kinds, bonds, guide),
                            batch_options(role, scale, preset, make_privacy(min_group, min_group_text, complementary)));
    });
    py::object owner = own(read_long(o, [o, args, first_year, last_year](const Organisation& org) {
      auto index = o->batch_index.get(org);
      return sc::unit_years(org, *index, first_year, last_year, args.first, args.second);
    }));
    return years_frame(owned<sc::YearColumns>(owner), owner, o);
  }, py::arg("org"), py::arg("first_year"), py::arg("last_year"), py::kw_only(), py::arg("kinds") = py::none(),
     py::arg("bonds") = py::none(), py::arg("guide") = py::none(), py::arg("role") = sc::Role::provider,
     py::arg("scale") = py::make_tuple(0, 10), py::arg("preset") = sc::NpsPreset::standard, RAPPORT_PY_PRIVACY_ARGS,
     "Every unit's mean per calendar year first_year..last_year (at most 32) and the change against the year before "
     "(delta, its Welch standard error), one row per (unit, year). Numeric columns shared with the core's result.");

  s.def("local_optimisers", [](const PyOrgPtr& o, RAPPORT_PY_FILTER_PARAMS, double min_index, double min_z,
                               bool exclude_payer_from_fabric, RAPPORT_PY_PRIVACY_PARAMS) {
    sc::LocalOptimiserOptions lo{min_index, min_z, exclude_payer_from_fabric};
    auto args = read(*o, [&](const Organisation& org) {
      return std::make_pair(make_filter(org, period, kinds, bonds, guide), make_options(min_group, min_group_text, complementary, false));
    });
    py::object owner = own(read_long(o, [args, lo](const Organisation& org) { return sc::local_optimisers(org, args.first, lo, args.second); }));
    return optimisers_frame(owned<sc::LocalOptimiserColumns>(owner), owner, o);
  }, py::arg("org"), py::kw_only(), RAPPORT_PY_FILTER_ARGS, py::arg("min_index") = 20.0, py::arg("min_z") = 1.96,
     py::arg("exclude_payer_from_fabric") = false, RAPPORT_PY_PRIVACY_ARGS,
     "Every unit's local optimiser index (payer chain's rating minus the fabric's), with `flagged` for large and "
     "significant ones. Numeric columns shared with the core's result.");

  // --- partials -------------------------------------------------------------------------------
  s.def("unit_partial", [](const PyOrgPtr& o, RAPPORT_PY_FILTER_PARAMS, sc::Role role, py::object scale, sc::NpsPreset preset) {
    auto args = read(*o, [&](const Organisation& org) {
      return std::make_pair(make_filter(org, period, kinds, bonds, guide), batch_options(role, scale, preset, {}));
    });
    return read_long(o, [o, args](const Organisation& org) {
      auto index = o->batch_index.get(org);
      return sc::unit_partial(org, *index, args.first, args.second);
    });
  }, py::arg("org"), py::kw_only(), RAPPORT_PY_FILTER_ARGS, py::arg("role") = sc::Role::provider, py::arg("scale") = py::make_tuple(0, 10),
     py::arg("preset") = sc::NpsPreset::standard, "The mergeable partial of unit_scores / subtree_scores.");
  s.def("finish_units", [](const sc::UnitPartial& p, const PyOrgPtr& o, RAPPORT_PY_PRIVACY_PARAMS) {
    auto privacy = make_privacy(min_group, min_group_text, complementary);
    py::object owner = own(read_long(o, [o, p, privacy](const Organisation& org) {
      auto index = o->batch_index.get(org);
      return sc::finish_units(p, org, *index, privacy);
    }));
    return columns_frame(owned<sc::ScoreColumns>(owner), owner, o, false);
  }, py::arg("partial"), py::arg("org"), py::kw_only(), RAPPORT_PY_PRIVACY_ARGS, "unit_scores from a (merged) partial.");
  s.def("finish_subtrees", [](const sc::UnitPartial& p, const PyOrgPtr& o, RAPPORT_PY_PRIVACY_PARAMS) {
    auto privacy = make_privacy(min_group, min_group_text, complementary);
    py::object owner = own(read_long(o, [o, p, privacy](const Organisation& org) {
      auto index = o->batch_index.get(org);
      return sc::finish_subtrees(p, org, *index, privacy);
    }));
    return columns_frame(owned<sc::ScoreColumns>(owner), owner, o, false);
  }, py::arg("partial"), py::arg("org"), py::kw_only(), RAPPORT_PY_PRIVACY_ARGS, "subtree_scores from a (merged) partial.");
  s.def("year_partial", [](const PyOrgPtr& o, int first_year, int last_year, py::object kinds, py::object bonds, py::object guide,
                           sc::Role role, py::object scale, sc::NpsPreset preset) {
    auto args = read(*o, [&](const Organisation& org) {
      return std::make_pair(make_filter(org, py::none(), kinds, bonds, guide), batch_options(role, scale, preset, {}));
    });
    return read_long(o, [o, args, first_year, last_year](const Organisation& org) {
      auto index = o->batch_index.get(org);
      return sc::year_partial(org, *index, first_year, last_year, args.first, args.second);
    });
  }, py::arg("org"), py::arg("first_year"), py::arg("last_year"), py::kw_only(), py::arg("kinds") = py::none(),
     py::arg("bonds") = py::none(), py::arg("guide") = py::none(), py::arg("role") = sc::Role::provider,
     py::arg("scale") = py::make_tuple(0, 10), py::arg("preset") = sc::NpsPreset::standard, "The mergeable partial of unit_years.");
  s.def("finish_years", [](const sc::YearPartial& p, const PyOrgPtr& o, RAPPORT_PY_PRIVACY_PARAMS) {
    auto privacy = make_privacy(min_group, min_group_text, complementary);
    py::object owner = own(read_long(o, [o, p, privacy](const Organisation& org) {
      auto index = o->batch_index.get(org);
      return sc::finish_years(p, org, *index, privacy);
    }));
    return years_frame(owned<sc::YearColumns>(owner), owner, o);
  }, py::arg("partial"), py::arg("org"), py::kw_only(), RAPPORT_PY_PRIVACY_ARGS, "unit_years from a (merged) partial.");

  // --- health of many scopes ------------------------------------------------------------------
  s.def("health_table", [](const PyOrgPtr& o, py::object as_of, std::string of, py::object weights, RAPPORT_PY_PRIVACY_PARAMS) {
    if (of != "units" && of != "relationships") throw ValidationError("of= is 'units' or 'relationships'");
    bool rels = of == "relationships";
    auto args = read(*o, [&](const Organisation& org) {
      std::vector<std::uint32_t> ids;
      if (rels) for (const Relationship& r : org.relationships()) ids.push_back(r.id.value);
      else for (const Unit& u : org.units()) ids.push_back(u.id.value);
      sc::HealthWeights w = to_health_weights(weights);
      sc::Options op;
      op.privacy = make_privacy(min_group, min_group_text, complementary);
      return std::make_tuple(ids, as_of.is_none() ? latest_date(org) : as_of.cast<Date>(), w, op);
    });
    auto results = read_long(o, [args, rels](const Organisation& org, const std::atomic<bool>& cancelled) {
      const auto& [ids, d, w, op] = args;
      std::vector<sc::HealthResult> out;
      out.reserve(ids.size());
      for (std::uint32_t id : ids) {
        if (cancelled) throw Cancelled{};
        out.push_back(sc::health(org, rels ? sc::Scope::of(RelationshipId{id}) : sc::Scope::of(UnitId{id}), d, w, op));
      }
      return out;
    }, true);
    const auto& ids = std::get<0>(args);
    std::vector<std::uint8_t> st;
    std::vector<std::int8_t> band;
    std::vector<double> health;
    std::array<std::vector<double>, sc::health_component_count> comp;
    for (const auto& h : results) {
      st.push_back(std::uint8_t(h.status)), band.push_back(ok(std::uint8_t(h.status)) ? std::int8_t(h.band) : std::int8_t(-1));
      health.push_back(ok(std::uint8_t(h.status)) ? h.health : nan);
      for (int c = 0; c < sc::health_component_count; ++c) comp[c].push_back(ok(std::uint8_t(h.parts[c].status)) ? h.parts[c].score : nan);
    }
    FrameBuilder f;
    f.ints(rels ? "relationship" : "unit", adopt(std::vector<std::uint32_t>(ids)));
    read(*o, [&](const Organisation& org) {
      if (rels) relationship_labels(f, org, ids, o->unit_text, o->batch_index);
      else unit_labels(f, org, ids, o->unit_text);
    });
    f.enums<sc::Status>("status", adopt(std::move(st)));
    f.floats("health", adopt(std::move(health)));
    f.enums<sc::Band>("band", adopt(std::move(band)));
    for (int c = 0; c < sc::health_component_count; ++c) f.floats(std::string(sc::to_string(sc::HealthComponent(c))).c_str(), adopt(std::move(comp[c])));
    return score_frame(f.frame(rels ? "relationship" : "unit"), py::none());
  }, py::arg("org"), py::arg("as_of") = py::none(), py::kw_only(), py::arg("of") = "units", py::arg("weights") = py::none(),
     RAPPORT_PY_PRIVACY_ARGS,
     "Health of every unit (or every relationship, of='relationships') as of `as_of`, with each component's score "
     "and the band. One core call per row (each unit's aggregate plans its own suppression): for very large "
     "organisations prefer health() on the units of interest.");
}

}  // namespace rapport::python
