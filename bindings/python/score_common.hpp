#pragma once
// Shared by the score bindings (scores.cpp: one score at a time; batch.cpp: every unit at once): the
// score enums, and turning Python keywords into a Scope, a Filter and Options.
#include "common.hpp"
#include "rapport/score.hpp"

namespace rapport::python {

namespace sc = rapport::score;

template <class E>
E parse_by_name(std::string_view s);

std::string_view mode_name(sc::ServqualMode m);
std::string_view role_name(sc::Role r);

RAPPORT_PY_ENUM_TRAITS(sc::Status, "Status", 4, sc::to_string, parse_by_name<sc::Status>)
RAPPORT_PY_ENUM_TRAITS(sc::RecordKind, "RecordKind", 4, sc::to_string, parse_by_name<sc::RecordKind>)
RAPPORT_PY_ENUM_TRAITS(sc::NpsPreset, "NpsPreset", 2, sc::to_string, parse_by_name<sc::NpsPreset>)
RAPPORT_PY_ENUM_TRAITS(sc::CsatPreset, "CsatPreset", 2, sc::to_string, parse_by_name<sc::CsatPreset>)
RAPPORT_PY_ENUM_TRAITS(sc::GapKind, "GapKind", 3, sc::to_string, parse_by_name<sc::GapKind>)
RAPPORT_PY_ENUM_TRAITS(sc::HealthComponent, "HealthComponent", sc::health_component_count, sc::to_string, parse_by_name<sc::HealthComponent>)
RAPPORT_PY_ENUM_TRAITS(sc::Band, "Band", 3, sc::to_string, parse_by_name<sc::Band>)
RAPPORT_PY_ENUM_TRAITS(sc::RetentionFactor, "RetentionFactor", sc::retention_factor_count, sc::to_string, parse_by_name<sc::RetentionFactor>)
RAPPORT_PY_ENUM_TRAITS(sc::ReplacementCost, "ReplacementCost", 3, sc::to_string, parse_by_name<sc::ReplacementCost>)
RAPPORT_PY_ENUM_TRAITS(sc::ServqualDimension, "ServqualDimension", sc::servqual_dimension_count, sc::to_string, parse_by_name<sc::ServqualDimension>)
RAPPORT_PY_ENUM_TRAITS(sc::ServqualMode, "ServqualMode", 2, mode_name, parse_by_name<sc::ServqualMode>)
RAPPORT_PY_ENUM_TRAITS(sc::Role, "Role", 2, role_name, parse_by_name<sc::Role>)
RAPPORT_PY_ENUM_TRAITS(sc::Measure, "Measure", 4, sc::to_string, parse_by_name<sc::Measure>)

template <class E>
E parse_by_name(std::string_view s) {
  std::string known;
  for (int i = 0; i < EnumTraits<E>::count; ++i) {
    if (EnumTraits<E>::name(E(i)) == s) return E(i);
    known += (i ? ", " : "") + std::string(EnumTraits<E>::name(E(i)));
  }
  throw ValidationError("unknown " + std::string(EnumTraits<E>::py_name) + " '" + std::string(s) +
                        "' (expected one of: " + known + ")");
}

/// Where a score is asked, from the keywords relationship= / unit= (with side=) / subtree= (none: the
/// organisation). Resolves keys and checks ids; call with the read lock held.
sc::Scope make_scope(const Organisation& org, py::handle relationship, py::handle unit, py::handle side, py::handle subtree);
/// Which conversations count, from period= / kinds= / bonds= / guide=.
sc::Filter make_filter(const Organisation& org, py::handle period, py::handle kinds, py::handle bonds, py::handle guide);
/// A bit set of conversation kinds: None (all), "reviews", one kind, or an iterable of kinds.
std::uint8_t kind_bits(py::handle kinds, std::uint8_t if_none = sc::all_kinds);
sc::Privacy make_privacy(int min_group, int min_group_text, bool complementary);
sc::Options make_options(int min_group, int min_group_text, bool complementary, bool explain);
/// A HealthWeights, a dict of component -> weight, or None (the defaults).
sc::HealthWeights to_health_weights(py::handle h);
/// The latest date of any live conversation, or of today when there is none (with the lock held).
Date latest_date(const Organisation& org);

void init_batch(py::module_& score_module);

}  // namespace rapport::python

namespace pybind11::detail {
#define RAPPORT_PY_ENUM_CASTER(E)                                                               \
  template <>                                                                                   \
  struct type_caster<E> {                                                                       \
    PYBIND11_TYPE_CASTER(E, const_name("str"));                                                 \
    bool load(handle src, bool) { return rapport::python::enum_load(value, src); }              \
    static handle cast(E e, return_value_policy, handle) { return rapport::python::enum_cast(e); } \
  };
RAPPORT_PY_ENUM_CASTER(rapport::score::Status)
RAPPORT_PY_ENUM_CASTER(rapport::score::RecordKind)
RAPPORT_PY_ENUM_CASTER(rapport::score::NpsPreset)
RAPPORT_PY_ENUM_CASTER(rapport::score::CsatPreset)
RAPPORT_PY_ENUM_CASTER(rapport::score::GapKind)
RAPPORT_PY_ENUM_CASTER(rapport::score::HealthComponent)
RAPPORT_PY_ENUM_CASTER(rapport::score::Band)
RAPPORT_PY_ENUM_CASTER(rapport::score::RetentionFactor)
RAPPORT_PY_ENUM_CASTER(rapport::score::ReplacementCost)
RAPPORT_PY_ENUM_CASTER(rapport::score::ServqualDimension)
RAPPORT_PY_ENUM_CASTER(rapport::score::ServqualMode)
RAPPORT_PY_ENUM_CASTER(rapport::score::Role)
RAPPORT_PY_ENUM_CASTER(rapport::score::Measure)
#undef RAPPORT_PY_ENUM_CASTER
}  // namespace pybind11::detail

// The keywords every score takes, spelled once.
#define RAPPORT_PY_SCOPE_PARAMS py::object relationship, py::object unit, py::object side, py::object subtree
#define RAPPORT_PY_SCOPE_ARGS                                                                     \
  py::arg("relationship") = py::none(), py::arg("unit") = py::none(), py::arg("side") = py::none(), \
      py::arg("subtree") = py::none()
#define RAPPORT_PY_FILTER_PARAMS py::object period, py::object kinds, py::object bonds, py::object guide
#define RAPPORT_PY_FILTER_ARGS \
  py::arg("period") = py::none(), py::arg("kinds") = py::none(), py::arg("bonds") = py::none(), py::arg("guide") = py::none()
#define RAPPORT_PY_PRIVACY_PARAMS int min_group, int min_group_text, bool complementary
#define RAPPORT_PY_PRIVACY_ARGS py::arg("min_group") = 5, py::arg("min_group_text") = 10, py::arg("complementary") = true
#define RAPPORT_PY_OPTION_PARAMS RAPPORT_PY_PRIVACY_PARAMS, bool explain
#define RAPPORT_PY_OPTION_ARGS RAPPORT_PY_PRIVACY_ARGS, py::arg("explain") = false
