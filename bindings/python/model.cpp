// The model: the Organisation with its units, relationships, guides, fishbones, agreements, complaints
// and referrals. Records come back as snapshots (value copies); changes go through the Organisation.
#include <algorithm>
#include <sstream>

#include "common.hpp"

namespace rapport::python {
namespace {

std::string q(const std::string& s) { return py::repr(py::str(s)).cast<std::string>(); }
template <class IdT>
std::string opt_id(const std::optional<IdT>& id) { return id ? std::to_string(id->value) : "None"; }
template <class E>
std::string en(E e) { return "'" + std::string(EnumTraits<E>::name(e)) + "'"; }

// ------------------------------------------------------------------------------------ record views

/// `org.units`, `org.relationships`, ...: a live, read-only mapping id -> record of one table.
template <class IdT>
struct View {
  PyOrgPtr org;
};

template <class IdT> struct ViewTraits;
template <> struct ViewTraits<UnitId> {
  static constexpr const char* py_name = "Units";
  static const auto& table(const Organisation& o) { return o.units(); }
};
template <> struct ViewTraits<RelationshipId> {
  static constexpr const char* py_name = "Relationships";
  static const auto& table(const Organisation& o) { return o.relationships(); }
};
template <> struct ViewTraits<GuideId> {
  static constexpr const char* py_name = "Guides";
  static const auto& table(const Organisation& o) { return o.guides(); }
};
template <> struct ViewTraits<AgreementId> {
  static constexpr const char* py_name = "Agreements";
  static const auto& table(const Organisation& o) { return o.agreements(); }
};
template <> struct ViewTraits<ComplaintId> {
  static constexpr const char* py_name = "Complaints";
  static const auto& table(const Organisation& o) { return o.complaints(); }
};
template <> struct ViewTraits<ReferralId> {
  static constexpr const char* py_name = "Referrals";
  static const auto& table(const Organisation& o) { return o.referrals(); }
};

template <class T>
py::array column(std::vector<T>&& v) { return adopt(std::move(v)); }

std::pair<py::array, py::array> nullable(const std::vector<std::optional<std::uint32_t>>& v) {
  std::vector<std::int64_t> values(v.size());
  py::array_t<bool> mask(py::ssize_t(v.size()));
  auto mm = mask.mutable_unchecked<1>();
  for (std::size_t i = 0; i < v.size(); ++i) {
    values[i] = v[i] ? std::int64_t(*v[i]) : 0;
    mm(py::ssize_t(i)) = !v[i];
  }
  return {adopt(std::move(values)), mask};
}
std::pair<py::array, py::array> nullable_dates(const std::vector<std::optional<Date>>& v) {
  std::vector<std::int32_t> days(v.size());
  py::array_t<bool> mask(py::ssize_t(v.size()));
  auto mm = mask.mutable_unchecked<1>();
  for (std::size_t i = 0; i < v.size(); ++i) {
    days[i] = v[i] ? v[i]->days : 0;
    mm(py::ssize_t(i)) = !v[i];
  }
  return {adopt(std::move(days)), mask};
}
template <class IdT>
std::optional<std::uint32_t> raw(const std::optional<IdT>& id) {
  return id ? std::optional<std::uint32_t>(id->value) : std::nullopt;
}

// The unit and relationship frames are built from the tables under the read lock, without copying
// the records first, in the kept result memory, with the handle's unit strings: for 1.25M
// relationships the copy and a new key string per row were most of 0.7-0.9 s.
py::object units_frame(const Organisation& org, UnitTextCache& cache) {
  const std::size_t n = org.units().size();
  score::ResultColumn<std::uint32_t> id(n);
  score::ResultColumn<std::uint8_t> kind(n);
  std::vector<std::optional<std::uint32_t>> parent(n), payer(n);
  std::size_t i = 0;
  for (const Unit& u : org.units()) {
    id[i] = u.id.value, kind[i] = std::uint8_t(u.kind), parent[i] = raw(u.parent), payer[i] = raw(u.payer);
    ++i;
  }
  py::array key = UnitText(org, UnitText::key, &cache).column(id), name = UnitText(org, UnitText::name, &cache).column(id);
  FrameBuilder f;
  f.ints("id", adopt(std::move(id)));
  f.strings("key", key);
  f.strings("name", name);
  f.enums<UnitKind>("kind", adopt(std::move(kind)));
  auto [pv, pm] = nullable(parent);
  f.nullable_ints("parent", pv, pm);
  auto [yv, ym] = nullable(payer);
  f.nullable_ints("payer", yv, ym);
  return f.frame("id");
}

py::object relationships_frame(const Organisation& org, UnitTextCache& cache) {
  const std::size_t n = org.relationships().size();
  score::ResultColumn<std::uint32_t> id(n), provider(n), recipient(n);
  score::ResultColumn<std::uint8_t> bond(n);
  std::size_t i = 0;
  for (const Relationship& r : org.relationships()) {
    id[i] = r.id.value, provider[i] = r.provider.value, recipient[i] = r.recipient.value, bond[i] = std::uint8_t(r.bond);
    ++i;
  }
  // The empty label, the common one, is one shared string.
  const py::str unlabelled("");
  py::array label = object_column(n, [&](PyObject** slot) {
    for (const Relationship& r : org.relationships())
      *slot++ = (r.label.empty() ? py::object(unlabelled) : py::str(r.label)).release().ptr();
  });
  UnitText keys(org, UnitText::key, &cache);
  py::array provider_key = keys.column(provider), recipient_key = keys.column(recipient);
  FrameBuilder f;
  f.ints("id", adopt(std::move(id)));
  f.ints("provider", adopt(std::move(provider)));
  f.ints("recipient", adopt(std::move(recipient)));
  f.enums<Bond>("bond", adopt(std::move(bond)));
  f.strings("label", label);
  f.strings("provider_key", provider_key);
  f.strings("recipient_key", recipient_key);
  return f.frame("id");
}

py::object frame_of(const std::vector<Guide>& rs) {
  std::vector<std::uint32_t> id, nq;
  std::vector<std::uint8_t> kind, smin, smax;
  py::list key, title;
  py::array_t<bool> builtin(py::ssize_t(rs.size()));
  auto b = builtin.mutable_unchecked<1>();
  for (std::size_t i = 0; i < rs.size(); ++i) {
    const Guide& g = rs[i];
    id.push_back(g.id.value), kind.push_back(std::uint8_t(g.kind)), smin.push_back(g.scale.min), smax.push_back(g.scale.max);
    nq.push_back(std::uint32_t(g.questions.size()));
    key.append(g.key), title.append(g.title);
    b(py::ssize_t(i)) = g.builtin;
  }
  FrameBuilder f;
  f.ints("id", column(std::move(id)));
  f.strings("key", key);
  f.strings("title", title);
  f.enums<ConversationKind>("kind", column(std::move(kind)));
  f.ints("scale_min", column(std::move(smin)));
  f.ints("scale_max", column(std::move(smax)));
  f.ints("questions", column(std::move(nq)));
  f.bools("builtin", builtin);
  return f.frame("id");
}

py::object frame_of(const std::vector<Agreement>& rs) {
  std::vector<std::uint32_t> id, conv, owner;
  std::vector<std::int32_t> due, made;
  std::vector<std::uint8_t> status;
  std::vector<std::optional<Date>> closed;
  py::list text;
  for (const Agreement& a : rs) {
    id.push_back(a.id.value), conv.push_back(a.conversation.value), owner.push_back(a.owner.value);
    due.push_back(a.due.days), made.push_back(a.made.days), status.push_back(std::uint8_t(a.status));
    closed.push_back(a.closed);
    text.append(a.text);
  }
  FrameBuilder f;
  f.ints("id", column(std::move(id)));
  f.ints("conversation", column(std::move(conv)));
  f.ints("owner", column(std::move(owner)));
  f.strings("text", text);
  f.dates("made", column(std::move(made)));
  f.dates("due", column(std::move(due)));
  f.enums<AgreementStatus>("status", column(std::move(status)));
  auto [cv, cm] = nullable_dates(closed);
  f.dates("closed", cv, cm);
  return f.frame("id");
}

py::object frame_of(const std::vector<Complaint>& rs) {
  std::vector<std::uint32_t> id, rel;
  std::vector<std::uint8_t> severity, stage, outcome;
  std::vector<std::int32_t> received;
  std::array<std::vector<std::optional<Date>>, complaint_stage_count> steps;
  py::list text;
  for (const Complaint& c : rs) {
    id.push_back(c.id.value), rel.push_back(c.relationship.value), received.push_back(c.received.days);
    severity.push_back(std::uint8_t(c.severity)), stage.push_back(std::uint8_t(c.stage()));
    outcome.push_back(std::uint8_t(c.outcome));
    for (int s = 1; s < complaint_stage_count; ++s) steps[s].push_back(c.steps[s]);
    text.append(c.text);
  }
  FrameBuilder f;
  f.ints("id", column(std::move(id)));
  f.ints("relationship", column(std::move(rel)));
  f.dates("received", column(std::move(received)));
  f.enums<Severity>("severity", column(std::move(severity)));
  f.strings("text", text);
  f.enums<ComplaintStage>("stage", column(std::move(stage)));
  f.enums<ComplaintOutcome>("outcome", column(std::move(outcome)));
  static const char* names[] = {"received", "acknowledged", "in_progress", "resolved", "closed"};
  for (int s = 1; s < complaint_stage_count; ++s) {
    auto [v, mk] = nullable_dates(steps[s]);
    f.dates(names[s], v, mk);
  }
  return f.frame("id");
}

py::object frame_of(const std::vector<Referral>& rs) {
  std::vector<std::uint32_t> id, rel;
  std::vector<std::int32_t> date;
  std::vector<std::uint8_t> target, outcome;
  std::vector<std::optional<std::uint32_t>> referred;
  std::vector<std::optional<Date>> closed;
  for (const Referral& r : rs) {
    id.push_back(r.id.value), rel.push_back(r.relationship.value), date.push_back(r.date.days);
    target.push_back(std::uint8_t(r.target)), outcome.push_back(std::uint8_t(r.outcome));
    referred.push_back(raw(r.referred)), closed.push_back(r.closed);
  }
  FrameBuilder f;
  f.ints("id", column(std::move(id)));
  f.ints("relationship", column(std::move(rel)));
  f.dates("date", column(std::move(date)));
  f.enums<ReferralTarget>("target", column(std::move(target)));
  auto [v, mk] = nullable(referred);
  f.nullable_ints("referred", v, mk);
  f.enums<ReferralOutcome>("outcome", column(std::move(outcome)));
  auto [cv, cm] = nullable_dates(closed);
  f.dates("closed", cv, cm);
  return f.frame("id");
}

template <class IdT>
void bind_view(py::module_& m, const char* doc) {
  using Traits = ViewTraits<IdT>;
  using Record = typename RefTraits<IdT>::Record;
  using V = View<IdT>;
  auto records = [](const V& v) {
    return read(*v.org, [](const Organisation& o) {
      std::vector<Record> out;
      out.reserve(Traits::table(o).size());
      for (const Record& r : Traits::table(o)) out.push_back(r);
      return out;
    });
  };
  py::class_<V>(m, Traits::py_name, doc)
      .def("__len__", [](const V& v) { return read(*v.org, [](const Organisation& o) { return Traits::table(o).size(); }); })
      .def("__iter__", [records](const V& v) { return py::iter(py::cast(records(v))); })
      .def("__getitem__", [](const V& v, Ref<IdT> r) {
        return read(*v.org, [&](const Organisation& o) { return Traits::table(o).at(resolve(o, r), RefTraits<IdT>::what); });
      }, py::arg("ref"))
      .def("get", [](const V& v, py::object ref, py::object fallback) -> py::object {
        Ref<IdT> r;
        try {
          r = ref.cast<Ref<IdT>>();
        } catch (const NotFoundError&) {
          return fallback;
        }
        return read(*v.org, [&](const Organisation& o) -> py::object {
          IdT id;
          try {
            id = resolve(o, r);
          } catch (const NotFoundError&) {
            return fallback;
          }
          const Record* rec = Traits::table(o).find(id);
          return rec ? py::cast(*rec) : fallback;
        });
      }, py::arg("ref"), py::arg("default") = py::none())
      .def("__contains__", [](const V& v, py::object ref) {
        Ref<IdT> r;
        try {
          if (!py::detail::make_caster<Ref<IdT>>().load(ref, true)) return false;
          r = ref.cast<Ref<IdT>>();
        } catch (const NotFoundError&) {
          return false;
        }
        return read(*v.org, [&](const Organisation& o) {
          try {
            return Traits::table(o).contains(resolve(o, r));
          } catch (const NotFoundError&) {
            return false;
          }
        });
      }, py::arg("ref"))
      .def("ids", [](const V& v) {
        return adopt(read(*v.org, [](const Organisation& o) {
          std::vector<std::uint32_t> ids;
          for (const Record& r : Traits::table(o)) ids.push_back(r.id.value);
          return ids;
        }));
      }, "The ids of the live records, ascending, as a NumPy uint32 array.")
      .def("to_frame", [records](const V& v) {
        if constexpr (std::is_same_v<IdT, UnitId>)
          return read(*v.org, [&](const Organisation& o) { return units_frame(o, v.org->unit_text); });
        else if constexpr (std::is_same_v<IdT, RelationshipId>)
          return read(*v.org, [&](const Organisation& o) { return relationships_frame(o, v.org->unit_text); });
        else
          return frame_of(records(v));
      }, "Every record as a pandas DataFrame indexed by id (a copy).")
      .def("_repr_html_", [](py::object self) {
        return py::module_::import("rapport._html").attr("frame_html")(self.attr("to_frame")());
      })
      .def("__repr__", [](const V& v) {
        auto n = read(*v.org, [](const Organisation& o) { return Traits::table(o).size(); });
        return "<rapport." + std::string(Traits::py_name) + ": " + std::to_string(n) + ">";
      });
}

// ------------------------------------------------------------------------------------- fishbones

struct Bone {
  Side side;
  Relationship relationship;
  Unit other;
  BoneHealth health;
};
struct PyFishbone {
  Unit unit;
  std::vector<Bone> bones;
  std::vector<Relationship> side(Side s) const {
    std::vector<Relationship> out;
    for (const Bone& b : bones)
      if (b.side == s) out.push_back(b.relationship);
    return out;
  }
};

// ----------------------------------------------------------------------------------- bulk helpers

py::dict bulk_columns(py::object data, py::kwargs columns, const char* what, py::object required, py::object optional) {
  return py::module_::import("rapport._bulk").attr("record_columns")(data, columns, what, required, optional);
}

template <class T>
std::vector<T> cast_list(py::handle h) { return h.cast<std::vector<T>>(); }

Question m_question(py::handle key, py::handle text) {
  Question q{key.cast<std::string>(), {}};
  if (py::isinstance<py::str>(text)) q.text["en"] = text.cast<std::string>();
  else if (!text.is_none()) q.text = text.cast<std::map<std::string, std::string>>();
  return q;
}

/// A unit named without the organisation at hand: by id or Unit, not by key.
UnitId id_only(const UnitRef& r) {
  if (auto* id = std::get_if<std::uint32_t>(&r.v)) return UnitId{*id};
  throw ValidationError("name the unit by id or Unit here; a key needs the organisation (org.unit(key))");
}

}  // namespace

void init_model(py::module_& m) {
  // --- records --------------------------------------------------------------------------------
  py::class_<Unit>(m, "Unit", "A unit (snapshot): a person, team, department, or external party.")
      .def_readonly("id", &Unit::id)
      .def_readonly("key", &Unit::key)
      .def_readonly("name", &Unit::name)
      .def_readonly("kind", &Unit::kind)
      .def_readonly("parent", &Unit::parent, "The parent unit's id, or None for a root.")
      .def_readonly("payer", &Unit::payer, "The payer's id if set explicitly; None means the parent pays.")
      .def_property_readonly("effective_payer", &Unit::effective_payer, "Who pays: the payer, else the parent.")
      .def_property_readonly("is_external", &Unit::is_external)
      .def("__eq__", [](const Unit& a, const Unit& b) {
        return a.id == b.id && a.key == b.key && a.name == b.name && a.kind == b.kind && a.parent == b.parent && a.payer == b.payer;
      }, py::is_operator())
      .def("__hash__", [](const Unit& u) { return py::hash(py::make_tuple("unit", u.id.value, u.key)); })
      .def("__repr__", [](const Unit& u) {
        std::string s = "Unit(id=" + std::to_string(u.id.value) + ", key=" + q(u.key) + ", name=" + q(u.name) + ", kind=" + en(u.kind);
        if (u.parent) s += ", parent=" + std::to_string(u.parent->value);
        if (u.payer) s += ", payer=" + std::to_string(u.payer->value);
        return s + ")";
      });

  py::class_<Relationship>(m, "Relationship", "A directed relationship provider -> recipient with a bond (snapshot).")
      .def_readonly("id", &Relationship::id)
      .def_readonly("provider", &Relationship::provider)
      .def_readonly("recipient", &Relationship::recipient)
      .def_readonly("bond", &Relationship::bond)
      .def_readonly("label", &Relationship::label)
      .def("other", [](const Relationship& r, UnitRef u) {
        UnitId id = id_only(u);
        if (!r.involves(id)) throw ValidationError("unit " + std::to_string(id.value) + " is not a party of relationship " + std::to_string(r.id.value));
        return r.other(id);
      }, py::arg("unit"), "The other party's id, seen from `unit` (an id or Unit).")
      .def("involves", [](const Relationship& r, UnitRef u) {
        return r.involves(id_only(u));
      }, py::arg("unit"))
      .def("__eq__", [](const Relationship& a, const Relationship& b) {
        return a.id == b.id && a.provider == b.provider && a.recipient == b.recipient && a.bond == b.bond && a.label == b.label;
      }, py::is_operator())
      .def("__hash__", [](const Relationship& r) { return py::hash(py::make_tuple("relationship", r.id.value)); })
      .def("__repr__", [](const Relationship& r) {
        return "Relationship(id=" + std::to_string(r.id.value) + ", provider=" + std::to_string(r.provider.value) +
               ", recipient=" + std::to_string(r.recipient.value) + ", bond=" + en(r.bond) + ", label=" + q(r.label) + ")";
      });

  py::class_<Guide>(m, "Guide", "A question set conversations follow, with its score's scale (snapshot).")
      .def_readonly("id", &Guide::id)
      .def_readonly("key", &Guide::key)
      .def_readonly("title", &Guide::title)
      .def_readonly("kind", &Guide::kind)
      .def_readonly("scale", &Guide::scale)
      .def_readonly("questions", &Guide::questions)
      .def_readonly("builtin", &Guide::builtin)
      .def("question", [](const Guide& g, std::string_view key) {
        auto i = g.question_index(key);
        if (!i) throw NotFoundError("guide '" + g.key + "' has no question '" + std::string(key) + "'");
        return g.questions[*i];
      }, py::arg("key"))
      .def("__repr__", [](const Guide& g) {
        return "Guide(id=" + std::to_string(g.id.value) + ", key=" + q(g.key) + ", kind=" + en(g.kind) + ", scale=Scale(" +
               std::to_string(g.scale.min) + ", " + std::to_string(g.scale.max) + "), questions=" +
               std::to_string(g.questions.size()) + (g.builtin ? ", builtin=True" : "") + ")";
      });

  py::class_<Agreement>(m, "Agreement", "A commitment made in a conversation (snapshot).")
      .def_readonly("id", &Agreement::id)
      .def_readonly("conversation", &Agreement::conversation)
      .def_readonly("owner", &Agreement::owner)
      .def_readonly("text", &Agreement::text)
      .def_readonly("due", &Agreement::due)
      .def_readonly("made", &Agreement::made)
      .def_readonly("status", &Agreement::status)
      .def_readonly("closed", &Agreement::closed)
      .def("is_overdue", [](const Agreement& a, Date as_of) { return a.status == AgreementStatus::open && a.due < as_of; },
           py::arg("as_of"), "Still open although due before `as_of`.")
      .def("__repr__", [](const Agreement& a) {
        return "Agreement(id=" + std::to_string(a.id.value) + ", owner=" + std::to_string(a.owner.value) + ", text=" + q(a.text) +
               ", due=" + a.due.iso() + ", status=" + en(a.status) + (a.closed ? ", closed=" + a.closed->iso() : "") + ")";
      });

  py::class_<Complaint>(m, "Complaint", "A complaint raised by a relationship's recipient, with its ISO 10002 steps (snapshot).")
      .def_readonly("id", &Complaint::id)
      .def_readonly("relationship", &Complaint::relationship)
      .def_readonly("received", &Complaint::received)
      .def_readonly("severity", &Complaint::severity)
      .def_readonly("text", &Complaint::text)
      .def_readonly("outcome", &Complaint::outcome)
      .def_property_readonly("stage", &Complaint::stage)
      .def_property_readonly("is_open", &Complaint::is_open)
      .def_property_readonly("steps", [](const Complaint& c) {
        py::dict d;
        for (int s = 0; s < complaint_stage_count; ++s)
          if (c.steps[s]) d[py::reinterpret_steal<py::object>(enum_cast(ComplaintStage(s)))] = *c.steps[s];
        return d;
      }, "Stage -> the date it was reached, for the stages reached so far.")
      .def("__repr__", [](const Complaint& c) {
        return "Complaint(id=" + std::to_string(c.id.value) + ", relationship=" + std::to_string(c.relationship.value) +
               ", received=" + c.received.iso() + ", severity=" + en(c.severity) + ", stage=" + en(c.stage()) +
               (c.outcome != ComplaintOutcome::none ? ", outcome=" + en(c.outcome) : "") + ")";
      });

  py::class_<Referral>(m, "Referral", "A recipient's recommendation of its provider to a third party (snapshot).")
      .def_readonly("id", &Referral::id)
      .def_readonly("relationship", &Referral::relationship)
      .def_readonly("date", &Referral::date)
      .def_readonly("target", &Referral::target)
      .def_readonly("referred", &Referral::referred)
      .def_readonly("outcome", &Referral::outcome)
      .def_readonly("closed", &Referral::closed)
      .def("__repr__", [](const Referral& r) {
        return "Referral(id=" + std::to_string(r.id.value) + ", relationship=" + std::to_string(r.relationship.value) +
               ", date=" + r.date.iso() + ", target=" + en(r.target) + ", referred=" + opt_id(r.referred) +
               ", outcome=" + en(r.outcome) + ")";
      });

  py::class_<ErasureReport>(m, "ErasureReport", "What erasing a person removed.")
      .def_readonly("relationships", &ErasureReport::relationships)
      .def_readonly("conversations", &ErasureReport::conversations)
      .def_readonly("answers", &ErasureReport::answers)
      .def_readonly("agreements", &ErasureReport::agreements)
      .def_readonly("complaints", &ErasureReport::complaints)
      .def_readonly("referrals", &ErasureReport::referrals)
      .def("__repr__", [](const ErasureReport& r) {
        return "ErasureReport(relationships=" + std::to_string(r.relationships) + ", conversations=" + std::to_string(r.conversations) +
               ", answers=" + std::to_string(r.answers) + ", agreements=" + std::to_string(r.agreements) +
               ", complaints=" + std::to_string(r.complaints) + ", referrals=" + std::to_string(r.referrals) + ")";
      });

  py::class_<Bone>(m, "Bone", "One relationship on a fishbone, seen from the fishbone's unit.")
      .def_readonly("side", &Bone::side)
      .def_readonly("relationship", &Bone::relationship)
      .def_readonly("other", &Bone::other, "The other party.")
      .def_property_readonly("health", [](const Bone& b) -> py::object {
        return b.health.known ? py::object(py::float_(b.health.value)) : py::object(py::none());
      }, "The relationship's health 0-100, or None when not scored.")
      .def_property_readonly("band", [](const Bone& b) -> py::object {
        return b.health.band.empty() ? py::object(py::none()) : py::object(py::str(b.health.band));
      }, "'red', 'yellow' or 'green', or None when not scored.")
      .def("__repr__", [](const Bone& b) {
        return "Bone(side='" + std::string(side_name(b.side)) + "', other=" + q(b.other.key) + ", bond=" + en(b.relationship.bond) +
               ", label=" + q(b.relationship.label) + (b.health.band.empty() ? "" : ", band='" + b.health.band + "'") + ")";
      });

  py::class_<PyFishbone>(m, "Fishbone",
                         "A unit's performance fabric: input (who serves it), throughput (peers it cooperates with), "
                         "output (whom it serves). Shows as an SVG drawing in Jupyter.")
      .def_readonly("unit", &PyFishbone::unit)
      .def_readonly("bones", &PyFishbone::bones)
      .def_property_readonly("input", [](const PyFishbone& f) { return f.side(Side::input); })
      .def_property_readonly("throughput", [](const PyFishbone& f) { return f.side(Side::throughput); })
      .def_property_readonly("output", [](const PyFishbone& f) { return f.side(Side::output); })
      .def("to_frame", [](const PyFishbone& f) {
        return py::module_::import("rapport._html").attr("fishbone_frame")(py::cast(f));
      }, "One row per bone: side, relationship, other party, bond, label, health, band.")
      .def("to_svg", [](const PyFishbone& f) { return py::module_::import("rapport._html").attr("fishbone_svg")(py::cast(f)); })
      .def("_repr_html_", [](const PyFishbone& f) { return py::module_::import("rapport._html").attr("fishbone_svg")(py::cast(f)); })
      .def("__repr__", [](const PyFishbone& f) {
        std::size_t n[3] = {0, 0, 0};
        for (const Bone& b : f.bones) ++n[int(b.side)];
        return "Fishbone(unit=" + q(f.unit.key) + ", input=" + std::to_string(n[0]) + ", throughput=" + std::to_string(n[1]) +
               ", output=" + std::to_string(n[2]) + ")";
      });

  bind_view<UnitId>(m, "The organisation's units: `org.units[id or key]`, `len`, iteration, `to_frame()`.");
  bind_view<RelationshipId>(m, "The organisation's relationships: `org.relationships[id]`, `len`, iteration, `to_frame()`.");
  bind_view<GuideId>(m, "The organisation's guides: `org.guides[id or key]`, `len`, iteration, `to_frame()`.");
  bind_view<AgreementId>(m, "The organisation's agreements: `org.agreements[id]`, `len`, iteration, `to_frame()`.");
  bind_view<ComplaintId>(m, "The organisation's complaints: `org.complaints[id]`, `len`, iteration, `to_frame()`.");
  bind_view<ReferralId>(m, "The organisation's referrals: `org.referrals[id]`, `len`, iteration, `to_frame()`.");

  // --- the Organisation -----------------------------------------------------------------------
  py::class_<PyOrg, PyOrgPtr> cls(m, "Organisation",
                                  "Owns every unit, relationship, guide, conversation, agreement, complaint and referral, "
                                  "and validates every change: a change that raises leaves the Organisation as it was. "
                                  "Safe to share between threads; long calls release the GIL.");
  cls.def(py::init<>())
      .def("__repr__", [](const PyOrg& o) {
        return read(o, [](const Organisation& org) {
          auto n = [](std::size_t v, const char* one, const char* many) { return std::to_string(v) + " " + (v == 1 ? one : many); };
          return "<rapport.Organisation: " + n(org.units().size(), "unit", "units") + ", " +
                 n(org.relationships().size(), "relationship", "relationships") + ", " +
                 n(org.conversations().size(), "conversation", "conversations") + ", " +
                 n(org.agreements().size(), "agreement", "agreements") + ", " +
                 n(org.complaints().size(), "complaint", "complaints") + ", " + n(org.referrals().size(), "referral", "referrals") + ">";
        });
      })
      .def("copy", [](const PyOrg& o) { return std::make_shared<PyOrg>(read_nogil(o, [](const Organisation& org) { return org; })); },
           "An independent deep copy.")
      .def("__copy__", [](const PyOrg& o) { return std::make_shared<PyOrg>(read_nogil(o, [](const Organisation& org) { return org; })); })
      .def("__deepcopy__", [](const PyOrg& o, py::dict) {
        return std::make_shared<PyOrg>(read_nogil(o, [](const Organisation& org) { return org; }));
      }, py::arg("memo"));

  // --- units ----------------------------------------------------------------------------------
  cls.def_property_readonly("units", [](PyOrg& o) { return View<UnitId>{o.shared_from_this()}; })
      .def("add_unit", [](PyOrg& o, std::string key, std::string name, UnitKind kind, std::optional<UnitRef> parent,
                          std::optional<UnitRef> payer) {
        return write(o, [&](Organisation& org) {
          UnitSpec s{std::move(key), std::move(name), kind, resolve(org, parent), resolve(org, payer)};
          return org.unit(org.add_unit(std::move(s)));
        });
      }, py::arg("key"), py::arg("name") = "", py::kw_only(), py::arg("kind") = UnitKind::team, py::arg("parent") = py::none(),
         py::arg("payer") = py::none(),
         "Adds a unit and returns it. `parent` and `payer` name units by id, key or Unit; the payer defaults to the parent.")
      .def("add_units", [](PyOrg& o, py::object data, py::kwargs kw) {
        py::dict c = bulk_columns(data, kw, "units", py::make_tuple("key"), py::make_tuple("name", "kind", "parent", "payer"));
        auto keys = cast_list<std::string>(c["key"]);
        const std::size_t n = keys.size();
        auto names = c.contains("name") ? cast_list<std::optional<std::string>>(c["name"]) : std::vector<std::optional<std::string>>(n);
        auto kinds = c.contains("kind") ? cast_list<std::optional<UnitKind>>(c["kind"]) : std::vector<std::optional<UnitKind>>(n);
        auto parents = c.contains("parent") ? cast_list<std::optional<UnitRef>>(c["parent"]) : std::vector<std::optional<UnitRef>>(n);
        auto payers = c.contains("payer") ? cast_list<std::optional<UnitRef>>(c["payer"]) : std::vector<std::optional<UnitRef>>(n);
        std::vector<std::uint32_t> ids;
        write(o, [&](Organisation& org) {
          try {
            for (std::size_t i = 0; i < n; ++i) {
              try {
                UnitSpec s{keys[i], names[i].value_or(""), kinds[i].value_or(UnitKind::team), resolve(org, parents[i]), resolve(org, payers[i])};
                ids.push_back(org.add_unit(std::move(s)).value);
              } catch (const ValidationError& e) {
                throw ValidationError("units row " + std::to_string(i) + ": " + e.what(), e.code());
              } catch (const NotFoundError& e) {
                throw NotFoundError("units row " + std::to_string(i) + ": " + e.what());
              }
            }
          } catch (...) {
            // All or nothing: later rows may be children of earlier ones, so remove in reverse.
            for (auto it = ids.rbegin(); it != ids.rend(); ++it) org.remove_unit(UnitId{*it});
            throw;
          }
        });
        return adopt(std::move(ids));
      }, py::arg("data") = py::none(),
         "Adds many units in one call from a DataFrame (or a dict of columns, or keyword columns): `key`, and "
         "optionally `name`, `kind`, `parent`, `payer` (ids or keys; a row may name a unit added by an earlier row). "
         "All rows are added or none. Returns the new ids as a NumPy array.")
      .def("update_unit", [](PyOrg& o, UnitRef ref, py::kwargs kw) {
        std::optional<std::string> key, name;
        std::optional<UnitKind> kind;
        std::optional<std::optional<UnitRef>> parent, payer;
        for (auto [k, v] : kw) {
          auto field = k.cast<std::string>();
          if (field == "key") key = v.cast<std::string>();
          else if (field == "name") name = v.cast<std::string>();
          else if (field == "kind") kind = v.cast<UnitKind>();
          else if (field == "parent") parent = v.cast<std::optional<UnitRef>>();
          else if (field == "payer") payer = v.cast<std::optional<UnitRef>>();
          else throw py::type_error("update_unit() got an unexpected keyword argument '" + field + "'");
        }
        return write(o, [&](Organisation& org) {
          UnitId id = resolve(org, ref);
          UnitSpec s = org.unit(id);
          if (key) s.key = *key;
          if (name) s.name = *name;
          if (kind) s.kind = *kind;
          if (parent) s.parent = resolve(org, *parent);
          if (payer) s.payer = resolve(org, *payer);
          org.update_unit(id, std::move(s));
          return org.unit(id);
        });
      }, py::arg("unit"),
         "Changes the fields given as keywords (key, name, kind, parent, payer; None clears parent or payer) and "
         "returns the updated unit.")
      .def("remove_unit", [](PyOrg& o, UnitRef ref) { write(o, [&](Organisation& org) { org.remove_unit(resolve(org, ref)); }); },
           py::arg("unit"), "Removes a unit nothing refers to any more.")
      .def("unit", [](const PyOrg& o, UnitRef ref) { return read(o, [&](const Organisation& org) { return org.unit(resolve(org, ref)); }); },
           py::arg("unit"), "The unit with this id or key.")
      .def("find_unit", [](const PyOrg& o, std::string_view key) {
        return read(o, [&](const Organisation& org) -> std::optional<Unit> {
          auto id = org.find_unit(key);
          return id ? std::optional<Unit>(org.unit(*id)) : std::nullopt;
        });
      }, py::arg("key"), "The unit with this key, or None.")
      .def("children", [](const PyOrg& o, UnitRef ref) {
        return read(o, [&](const Organisation& org) {
          std::vector<Unit> out;
          for (UnitId c : org.children(resolve(org, ref))) out.push_back(org.unit(c));
          return out;
        });
      }, py::arg("unit"))
      .def("payer_chain", [](const PyOrg& o, UnitRef ref) {
        return read(o, [&](const Organisation& org) {
          std::vector<Unit> out;
          for (UnitId c : org.payer_chain(resolve(org, ref))) out.push_back(org.unit(c));
          return out;
        });
      }, py::arg("unit"), "The payers from `unit` upward: its payer, the payer's payer, ... up to the market.")
      .def("subtree", [](const PyOrg& o, UnitRef ref) {
        return read(o, [&](const Organisation& org) {
          std::vector<Unit> out;
          for (UnitId c : org.subtree(resolve(org, ref))) out.push_back(org.unit(c));
          return out;
        });
      }, py::arg("unit"), "`unit` and every unit below it, parents before children.");

  // --- relationships --------------------------------------------------------------------------
  cls.def_property_readonly("relationships", [](PyOrg& o) { return View<RelationshipId>{o.shared_from_this()}; })
      .def("add_relationship", [](PyOrg& o, UnitRef provider, UnitRef recipient, Bond bond, std::string label) {
        return write(o, [&](Organisation& org) {
          return org.relationship(org.add_relationship({resolve(org, provider), resolve(org, recipient), bond, std::move(label)}));
        });
      }, py::arg("provider"), py::arg("recipient"), py::arg("bond") = Bond::service, py::arg("label") = "",
         "Adds provider -> recipient with a bond ('service', 'cooperation', 'leadership') and returns it.")
      .def("add_relationships", [](PyOrg& o, py::object data, py::kwargs kw) {
        py::dict c = bulk_columns(data, kw, "relationships", py::make_tuple("provider", "recipient"), py::make_tuple("bond", "label"));
        auto providers = cast_list<UnitRef>(c["provider"]);
        auto recipients = cast_list<UnitRef>(c["recipient"]);
        const std::size_t n = providers.size();
        auto bonds = c.contains("bond") ? cast_list<std::optional<Bond>>(c["bond"]) : std::vector<std::optional<Bond>>(n);
        auto labels = c.contains("label") ? cast_list<std::optional<std::string>>(c["label"]) : std::vector<std::optional<std::string>>(n);
        std::vector<std::uint32_t> ids;
        write(o, [&](Organisation& org) {
          try {
            for (std::size_t i = 0; i < n; ++i) {
              try {
                RelationshipSpec s{resolve(org, providers[i]), resolve(org, recipients[i]), bonds[i].value_or(Bond::service),
                                   labels[i].value_or("")};
                ids.push_back(org.add_relationship(std::move(s)).value);
              } catch (const ValidationError& e) {
                throw ValidationError("relationships row " + std::to_string(i) + ": " + e.what(), e.code());
              } catch (const NotFoundError& e) {
                throw NotFoundError("relationships row " + std::to_string(i) + ": " + e.what());
              }
            }
          } catch (...) {
            for (auto it = ids.rbegin(); it != ids.rend(); ++it) org.remove_relationship(RelationshipId{*it});
            throw;
          }
        });
        return adopt(std::move(ids));
      }, py::arg("data") = py::none(),
         "Adds many relationships in one call from a DataFrame (or a dict of columns, or keyword columns): "
         "`provider`, `recipient` (ids or keys), optionally `bond`, `label`. All or nothing; returns the new ids.")
      .def("update_relationship", [](PyOrg& o, RelationshipRef ref, std::string label) {
        return write(o, [&](Organisation& org) {
          RelationshipId id = resolve(org, ref);
          org.update_relationship(id, std::move(label));
          return org.relationship(id);
        });
      }, py::arg("relationship"), py::kw_only(), py::arg("label"), "Changes the label of what is delivered.")
      .def("remove_relationship", [](PyOrg& o, RelationshipRef ref) {
        write(o, [&](Organisation& org) { org.remove_relationship(resolve(org, ref)); });
      }, py::arg("relationship"), "Removes a relationship that has no conversations, complaints or referrals left.")
      .def("relationship", [](const PyOrg& o, RelationshipRef ref) {
        return read(o, [&](const Organisation& org) { return org.relationship(resolve(org, ref)); });
      }, py::arg("relationship"))
      .def("relationships_of", [](const PyOrg& o, UnitRef ref, std::optional<Side> side) {
        return read(o, [&](const Organisation& org) {
          UnitId u = resolve(org, ref);
          std::vector<Relationship> out;
          for (RelationshipId r : org.relationships_of(u)) {
            const Relationship& rel = org.relationship(r);
            if (!side || org.side_of(u, rel) == *side) out.push_back(rel);
          }
          return out;
        });
      }, py::arg("unit"), py::arg("side") = py::none(),
         "Every relationship of `unit` in the order they were added, optionally only one side of its fishbone.")
      .def("find_relationship", [](const PyOrg& o, UnitRef provider, UnitRef recipient, Bond bond) {
        return read(o, [&](const Organisation& org) -> std::optional<Relationship> {
          auto id = org.find_relationship(resolve(org, provider), resolve(org, recipient), bond);
          return id ? std::optional<Relationship>(org.relationship(*id)) : std::nullopt;
        });
      }, py::arg("provider"), py::arg("recipient"), py::arg("bond") = Bond::service, "The relationship, or None.")
      .def("side_of", [](const PyOrg& o, UnitRef unit, RelationshipRef rel) {
        return read(o, [&](const Organisation& org) {
          UnitId u = resolve(org, unit);
          const Relationship& r = org.relationship(resolve(org, rel));
          if (!r.involves(u)) throw ValidationError("unit " + std::to_string(u.value) + " is not a party of relationship " + std::to_string(r.id.value));
          return org.side_of(u, r);
        });
      }, py::arg("unit"), py::arg("relationship"), "The side of `unit`'s fishbone that `relationship` lies on.")
      .def("fishbone", [](const PyOrg& o, UnitRef ref, std::optional<Date> as_of) {
        return read(o, [&](const Organisation& org) {
          UnitId u = resolve(org, ref);
          PyFishbone f{org.unit(u), {}};
          Fishbone fb = org.fishbone(u);
          std::vector<RelationshipId> rels;
          for (Side s : {Side::input, Side::throughput, Side::output})
            for (RelationshipId r : fb.side(s)) {
              const Relationship& rel = org.relationship(r);
              f.bones.push_back(Bone{s, rel, org.unit(rel.other(u)), {}});
              rels.push_back(r);
            }
          auto health = relationship_health(org, rels, as_of);
          for (std::size_t i = 0; i < health.size() && i < f.bones.size(); ++i) f.bones[i].health = health[i];
          return f;
        });
      }, py::arg("unit"), py::arg("as_of") = py::none(),
         "The unit's fishbone: input, throughput and output bones, each coloured by the relationship's health "
         "as of `as_of` (default: the latest conversation date).");

  // --- guides ---------------------------------------------------------------------------------
  cls.def_property_readonly("guides", [](PyOrg& o) { return View<GuideId>{o.shared_from_this()}; })
      .def("add_guide", [](PyOrg& o, std::string key, std::string title, ConversationKind kind, py::object scale, py::iterable questions) {
        GuideSpec spec{std::move(key), std::move(title), kind, to_scale(scale), {}};
        for (py::handle item : questions) {
          if (py::isinstance<Question>(item)) spec.questions.push_back(item.cast<Question>());
          else if (py::isinstance<py::str>(item)) spec.questions.push_back(Question{item.cast<std::string>(), {}});
          else if (py::isinstance<py::tuple>(item) || py::isinstance<py::list>(item)) {
            auto t = py::reinterpret_borrow<py::sequence>(item);
            if (t.size() != 2) throw ValidationError("a question is (key, text) where text is a str or a dict language -> wording");
            spec.questions.push_back(m_question(t[0], t[1]));
          } else if (py::isinstance<py::dict>(item)) {
            auto d = py::reinterpret_borrow<py::dict>(item);
            if (!d.contains("key")) throw ValidationError("a question dict needs a 'key'");
            spec.questions.push_back(m_question(d["key"], d.contains("text") ? py::object(d["text"]) : py::object(py::none())));
          } else {
            throw py::type_error("a question is a Question, a key, a (key, text) pair or a dict with 'key' and 'text'");
          }
        }
        return write(o, [&](Organisation& org) { return org.guide(org.add_guide(std::move(spec))); });
      }, py::arg("key"), py::arg("title") = "", py::kw_only(), py::arg("kind") = ConversationKind::ad_hoc,
         py::arg("scale") = Scale{0, 10}, py::arg("questions") = py::tuple(),
         "Adds a custom guide. `scale` is a Scale or (min, max); `questions` are Question objects, keys, "
         "(key, text) pairs or dicts; text is English or a dict language -> wording.")
      .def("guide", [](const PyOrg& o, GuideRef ref) { return read(o, [&](const Organisation& org) { return org.guide(resolve(org, ref)); }); },
           py::arg("guide"), "The guide with this id or key.")
      .def("find_guide", [](const PyOrg& o, std::string_view key) {
        return read(o, [&](const Organisation& org) -> std::optional<Guide> {
          auto id = org.find_guide(key);
          return id ? std::optional<Guide>(org.guide(*id)) : std::nullopt;
        });
      }, py::arg("key"));

  // --- agreements -----------------------------------------------------------------------------
  cls.def_property_readonly("agreements", [](PyOrg& o) { return View<AgreementId>{o.shared_from_this()}; })
      .def("add_agreement", [](PyOrg& o, ConvRef conv, UnitRef owner, std::string text, Date due) {
        return write(o, [&](Organisation& org) {
          return org.agreement(org.add_agreement({resolve(org, conv), resolve(org, owner), std::move(text), due}));
        });
      }, py::arg("conversation"), py::arg("owner"), py::arg("text"), py::arg("due"),
         "Records a commitment made in `conversation`, owned by `owner`, due on `due`.")
      .def("close_agreement", [](PyOrg& o, AgreementRef ref, AgreementStatus status, Date date) {
        return write(o, [&](Organisation& org) {
          AgreementId id = resolve(org, ref);
          org.close_agreement(id, status, date);
          return org.agreement(id);
        });
      }, py::arg("agreement"), py::arg("status"), py::arg("date"), "Closes an open agreement as 'kept', 'broken' or 'dropped'.")
      .def("remove_agreement", [](PyOrg& o, AgreementRef ref) { write(o, [&](Organisation& org) { org.remove_agreement(resolve(org, ref)); }); },
           py::arg("agreement"))
      .def("agreement", [](const PyOrg& o, AgreementRef ref) {
        return read(o, [&](const Organisation& org) { return org.agreement(resolve(org, ref)); });
      }, py::arg("agreement"));

  // --- complaints -----------------------------------------------------------------------------
  cls.def_property_readonly("complaints", [](PyOrg& o) { return View<ComplaintId>{o.shared_from_this()}; })
      .def("add_complaint", [](PyOrg& o, RelationshipRef rel, Date received, Severity severity, std::string text) {
        return write(o, [&](Organisation& org) {
          return org.complaint(org.add_complaint({resolve(org, rel), received, severity, std::move(text)}));
        });
      }, py::arg("relationship"), py::arg("received"), py::kw_only(), py::arg("severity") = Severity::medium, py::arg("text") = "",
         "Records a complaint by the relationship's recipient about its provider.")
      .def("advance_complaint", [](PyOrg& o, ComplaintRef ref, ComplaintStage stage, Date date, std::optional<ComplaintOutcome> outcome) {
        return write(o, [&](Organisation& org) {
          ComplaintId id = resolve(org, ref);
          org.advance_complaint(id, stage, date, outcome.value_or(ComplaintOutcome::none));
          return org.complaint(id);
        });
      }, py::arg("complaint"), py::arg("stage"), py::arg("date"), py::kw_only(), py::arg("outcome") = py::none(),
         "Moves a complaint on to a later stage; closing needs an `outcome` ('accepted', 'rejected', 'no_basis').")
      .def("remove_complaint", [](PyOrg& o, ComplaintRef ref) { write(o, [&](Organisation& org) { org.remove_complaint(resolve(org, ref)); }); },
           py::arg("complaint"))
      .def("complaint", [](const PyOrg& o, ComplaintRef ref) {
        return read(o, [&](const Organisation& org) { return org.complaint(resolve(org, ref)); });
      }, py::arg("complaint"));

  // --- referrals ------------------------------------------------------------------------------
  cls.def_property_readonly("referrals", [](PyOrg& o) { return View<ReferralId>{o.shared_from_this()}; })
      .def("add_referral", [](PyOrg& o, RelationshipRef rel, Date date, ReferralTarget target, std::optional<UnitRef> referred) {
        return write(o, [&](Organisation& org) {
          return org.referral(org.add_referral({resolve(org, rel), date, target, resolve(org, referred)}));
        });
      }, py::arg("relationship"), py::arg("date"), py::kw_only(), py::arg("target") = ReferralTarget::customer,
         py::arg("referred") = py::none(),
         "Records that the relationship's recipient recommended its provider to a third party (`referred`, when known).")
      .def("set_referral_outcome", [](PyOrg& o, ReferralRef ref, ReferralOutcome outcome, Date date) {
        return write(o, [&](Organisation& org) {
          ReferralId id = resolve(org, ref);
          org.set_referral_outcome(id, outcome, date);
          return org.referral(id);
        });
      }, py::arg("referral"), py::arg("outcome"), py::arg("date"), "Sets a pending referral's outcome: 'won' or 'lost'.")
      .def("remove_referral", [](PyOrg& o, ReferralRef ref) { write(o, [&](Organisation& org) { org.remove_referral(resolve(org, ref)); }); },
           py::arg("referral"))
      .def("referral", [](const PyOrg& o, ReferralRef ref) {
        return read(o, [&](const Organisation& org) { return org.referral(resolve(org, ref)); });
      }, py::arg("referral"));

  // --- privacy --------------------------------------------------------------------------------
  cls.def("erase_person", [](PyOrg& o, UnitRef ref) {
    return write_nogil(o, [&](Organisation& org) { return org.erase_person(resolve(org, ref)); });
  }, py::arg("unit"),
     "Erases everything about one person (their relationships with every conversation, answer, agreement, "
     "complaint and referral on them, and the unit itself); erased text is overwritten in memory.");
}


}  // namespace rapport::python
