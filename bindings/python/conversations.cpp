// Conversations: one at a time with answers, in bulk from a DataFrame or NumPy columns (one core call,
// the GIL released), and back out as DataFrames, whole or filtered.
#include "common.hpp"
#include "rapport/query.hpp"

namespace rapport::python {
namespace {


GuideId default_guide(ConversationKind k) {
  switch (k) {
    case ConversationKind::cooperation_review: return cooperation_review_guide;
    case ConversationKind::employee_review:
    case ConversationKind::retention: return employee_review_guide;
    default: return customer_review_guide;
  }
}

ConversationRecord record(const Organisation& org, ConversationId id) {
  ConversationRecord r;
  static_cast<ConversationFacts&>(r) = org.conversation(id);
  r.answers = org.answers(id);
  return r;
}

std::vector<Answer> to_answers(py::handle answers) {
  std::vector<Answer> out;
  if (answers.is_none()) return out;
  if (py::isinstance<py::dict>(answers)) {
    for (auto [k, v] : py::reinterpret_borrow<py::dict>(answers)) out.push_back(Answer{k.cast<std::string>(), v.cast<std::string>()});
    return out;
  }
  for (py::handle item : py::reinterpret_borrow<py::iterable>(answers)) {
    auto pair = item.cast<std::pair<std::string, std::string>>();
    out.push_back(Answer{pair.first, pair.second});
  }
  return out;
}

std::optional<int> to_score(py::handle v) {
  if (v.is_none()) return std::nullopt;
  if (PyBool_Check(v.ptr())) throw ValidationError("a score is an integer, not a bool");
  if (PyFloat_Check(v.ptr())) {
    double d = v.cast<double>();
    if (d != d) return std::nullopt;  // NaN means "no score", as in a DataFrame
    if (d != double(long(d))) throw ValidationError("a score is a whole number on the guide's scale, got " + std::to_string(d));
    return int(d);
  }
  if (!PyIndex_Check(v.ptr())) throw py::type_error("a score is an int or None");
  long long s = py::reinterpret_steal<py::object>(PyNumber_Index(v.ptr())).cast<long long>();
  if (s < 0 || s > 254) throw ValidationError("score " + std::to_string(s) + " is outside every scale (0-254)");
  return int(s);
}

/// Live rows' columns, copied out (the Organisation may change as soon as the lock is released).
struct Columns {
  std::vector<std::uint32_t> id, relationship;
  std::vector<std::int32_t> date;
  std::vector<std::uint8_t> kind;
  std::vector<std::uint32_t> guide;
  std::vector<std::uint8_t> score, self;
  void reserve(std::size_t n) {
    id.reserve(n), relationship.reserve(n), date.reserve(n), kind.reserve(n), guide.reserve(n), score.reserve(n), self.reserve(n);
  }
  void push(const ConversationTable& t, std::size_t r) {
    id.push_back(t.ids()[r]), relationship.push_back(t.relationships()[r]), date.push_back(t.dates()[r]);
    kind.push_back(t.kinds()[r]), guide.push_back(t.guides()[r]), score.push_back(t.scores()[r]);
    self.push_back(t.self_assessments()[r]);
  }
};

Columns all_columns(const Organisation& org) {
  const ConversationTable& t = org.conversations();
  Columns c;
  if (t.compact()) {  // the common case after a load or a merge: straight copies
    auto copy = [](auto span, auto& v) { v.assign(span.begin(), span.end()); };
    copy(t.ids(), c.id), copy(t.relationships(), c.relationship), copy(t.dates(), c.date), copy(t.kinds(), c.kind);
    copy(t.guides(), c.guide), copy(t.scores(), c.score), copy(t.self_assessments(), c.self);
    return c;
  }
  c.reserve(t.size());
  for (std::size_t r = 0; r < t.rows(); ++r)
    if (t.live(r)) c.push(t, r);
  return c;
}

struct Filter {
  std::optional<UnitId> unit;
  std::optional<Side> side;
  std::optional<RelationshipId> relationship;
  std::optional<ConversationKind> kind;
  std::optional<GuideId> guide;
  std::optional<Bond> bond;
  std::optional<Period> period;
  bool scored = false;
};

Columns select(const Organisation& org, const Filter& f) {
  Columns c;
  auto keep = [&](const rapport::ConversationRef& x) {
    return (!f.kind || x.kind() == *f.kind) && (!f.guide || x.guide_id() == *f.guide) &&
           (!f.bond || x.relationship().bond == *f.bond) && (!f.period || f.period->contains(x.date())) &&
           (!f.scored || x.score().has_value());
  };
  auto take = [&](auto&& view) {
    for (rapport::ConversationRef x : view)
      if (keep(x)) c.push(org.conversations(), x.row());
  };
  if (f.relationship) {
    const Relationship& r = org.relationship(*f.relationship);
    if (f.unit && !r.involves(*f.unit)) return c;
    if (f.unit && f.side && org.side_of(*f.unit, r) != *f.side) return c;
    take(query::of_relationship(org, *f.relationship));
  } else if (f.unit) {
    take(query::of_unit(org, *f.unit, f.side));
  } else {
    take(query::all(org));
  }
  return c;
}

py::object frame(Columns&& c) {
  FrameBuilder f;
  f.ints("id", adopt(std::move(c.id)));
  f.ints("relationship", adopt(std::move(c.relationship)));
  f.dates("date", adopt(std::move(c.date)));
  f.enums<ConversationKind>("kind", adopt(std::move(c.kind)));
  f.ints("guide", adopt(std::move(c.guide)));
  py::array score = adopt(std::move(c.score)), self = adopt(std::move(c.self));
  f.nullable_ints("score", score, py::array(score.attr("__eq__")(ConversationTable::no_score)));
  f.nullable_ints("self_assessment", self, py::array(self.attr("__eq__")(ConversationTable::no_score)));
  return f.frame("id");
}

py::dict raw_columns(Columns&& c) {
  py::dict d;
  d["id"] = adopt(std::move(c.id));
  d["relationship"] = adopt(std::move(c.relationship));
  d["date"] = adopt(std::move(c.date)).attr("astype")("datetime64[D]");
  d["kind"] = adopt(std::move(c.kind));
  d["guide"] = adopt(std::move(c.guide));
  d["score"] = adopt(std::move(c.score));
  d["self_assessment"] = adopt(std::move(c.self));
  return d;
}

// ------------------------------------------------------------------ bulk conversion kernels
// One pass each, with the GIL released: turning a DataFrame's columns into the core's column types is
// most of the Python side's cost of a bulk insert, and NumPy would need several passes and temporaries.

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

[[noreturn]] void bad_value(const char* column, std::size_t row, const std::string& why) {
  throw ValidationError("column '" + std::string(column) + "' row " + std::to_string(row) + ": " + why);
}

template <class T>
void scores_kernel(const T* in, const std::uint8_t* mask, std::size_t n, std::uint8_t* out, const char* column) {
  for (std::size_t i = 0; i < n; ++i) {
    if (mask && mask[i]) {
      out[i] = ConversationTable::no_score;
      continue;
    }
    T v = in[i];
    if constexpr (std::is_floating_point_v<T>) {
      if (v != v) {
        out[i] = ConversationTable::no_score;
        continue;
      }
      if (v != T(std::int64_t(v))) bad_value(column, i, "scores are whole numbers on the guide's scale, got " + num(double(v)));
    }
    if (v < T(0) || v > T(254)) bad_value(column, i, "score " + num(double(v)) + " is outside every scale (0-254)");
    out[i] = std::uint8_t(v);
  }
}

template <class T>
void ids_kernel(const T* in, std::size_t n, std::uint32_t* out, const char* column) {
  for (std::size_t i = 0; i < n; ++i) {
    T v = in[i];
    if constexpr (std::is_floating_point_v<T>)
      if (v != v || v != T(std::int64_t(v))) bad_value(column, i, "ids are whole numbers");
    if (v < T(0) || double(v) >= double(0xFFFFFFFFu)) throw NotFoundError("column '" + std::string(column) + "' row " + std::to_string(i) + ": unknown id " + num(double(v)));
    out[i] = std::uint32_t(v);
  }
}

/// Calls f(typed pointer) for a 1-d NumPy array of a numeric dtype.
template <class F>
void dispatch_numeric(const py::array& a, F&& f, const char* column) {
  const void* p = a.data();
  char kind = a.dtype().kind();
  auto size = a.dtype().itemsize();
  if (kind == 'f' && size == 8) return f(static_cast<const double*>(p));
  if (kind == 'f' && size == 4) return f(static_cast<const float*>(p));
  if (kind == 'i' && size == 8) return f(static_cast<const std::int64_t*>(p));
  if (kind == 'i' && size == 4) return f(static_cast<const std::int32_t*>(p));
  if (kind == 'i' && size == 2) return f(static_cast<const std::int16_t*>(p));
  if (kind == 'i' && size == 1) return f(static_cast<const std::int8_t*>(p));
  if (kind == 'u' && size == 8) return f(static_cast<const std::uint64_t*>(p));
  if (kind == 'u' && size == 4) return f(static_cast<const std::uint32_t*>(p));
  if (kind == 'u' && size == 2) return f(static_cast<const std::uint16_t*>(p));
  if (kind == 'u' && size == 1) return f(static_cast<const std::uint8_t*>(p));
  throw ValidationError("column '" + std::string(column) + "' has dtype " + py::str(a.dtype()).cast<std::string>() + "; expected numbers");
}

py::array contiguous(py::array a) {
  if (a.ndim() != 1) throw ValidationError("a column is one-dimensional");
  if (!(a.flags() & py::array::c_style)) a = py::array::ensure(a, py::array::c_style);
  return a;
}

/// `org.conversations`: a live, read-only view of the column store.
struct ConversationsView {
  PyOrgPtr org;
};

/// Iterates conversations by id, one lookup per step, so a huge table is never copied at once.
struct ConversationIterator {
  PyOrgPtr org;
  std::uint32_t next = 0;
};

}  // namespace

void init_conversations(py::module_& m) {
  py::class_<ConversationRecord>(m, "Conversation", "A dated conversation on one relationship, with its answers (snapshot).")
      .def_readonly("id", &ConversationRecord::id)
      .def_readonly("relationship", &ConversationRecord::relationship)
      .def_readonly("date", &ConversationRecord::date)
      .def_readonly("kind", &ConversationRecord::kind)
      .def_readonly("guide", &ConversationRecord::guide)
      .def_readonly("score", &ConversationRecord::score, "The recipient's satisfaction on the guide's scale, or None.")
      .def_readonly("self_assessment", &ConversationRecord::self_assessment,
                    "How the provider thinks the recipient rates it (same scale), or None.")
      .def_property_readonly("answers", [](const ConversationRecord& r) {
        py::dict d;
        for (const Answer& a : r.answers) d[py::str(a.question)] = a.text;
        return d;
      }, "Free-text answers: question key -> text.")
      .def("__eq__", [](const ConversationRecord& a, const ConversationRecord& b) {
        return static_cast<const ConversationFacts&>(a) == static_cast<const ConversationFacts&>(b) && a.answers == b.answers;
      }, py::is_operator())
      .def("__hash__", [](const ConversationRecord& r) { return py::hash(py::make_tuple("conversation", r.id.value)); })
      .def("__repr__", [](const ConversationRecord& r) {
        auto opt = [](const std::optional<int>& v) { return v ? std::to_string(*v) : std::string("None"); };
        return "Conversation(id=" + std::to_string(r.id.value) + ", relationship=" + std::to_string(r.relationship.value) +
               ", date=" + r.date.iso() + ", kind='" + std::string(to_string(r.kind)) + "', guide=" + std::to_string(r.guide.value) +
               ", score=" + opt(r.score) + ", self_assessment=" + opt(r.self_assessment) +
               (r.answers.empty() ? "" : ", answers=" + std::to_string(r.answers.size())) + ")";
      });

  py::class_<ConversationIterator>(m, "_ConversationIterator")
      .def("__iter__", [](py::object self) { return self; })
      .def("__next__", [](ConversationIterator& it) {
        return read(*it.org, [&](const Organisation& org) {
          const ConversationTable& t = org.conversations();
          for (; it.next < t.id_bound(); ++it.next)
            if (t.row_of(ConversationId{it.next})) return record(org, ConversationId{it.next++});
          throw py::stop_iteration();
        });
      });

  py::class_<ConversationsView>(m, "Conversations",
                                "The organisation's conversations, stored column-wise: `org.conversations[id]`, `len`, "
                                "iteration (by id), `to_frame()`, `select(...)`, `columns()`.")
      .def("__len__", [](const ConversationsView& v) { return read(*v.org, [](const Organisation& o) { return o.conversations().size(); }); })
      .def("__getitem__", [](const ConversationsView& v, ConvRef r) {
        return read(*v.org, [&](const Organisation& o) { return record(o, resolve(o, r)); });
      }, py::arg("conversation"))
      .def("__contains__", [](const ConversationsView& v, py::object ref) {
        if (PyBool_Check(ref.ptr()) || !PyIndex_Check(ref.ptr())) {
          if (!py::isinstance<ConversationRecord>(ref)) return false;
          ref = py::int_(ref.cast<const ConversationRecord&>().id.value);
        }
        long long id = ref.cast<long long>();
        if (id < 0 || id >= (long long)ConversationId::invalid_value) return false;
        return read(*v.org, [&](const Organisation& o) { return o.conversations().row_of(ConversationId{std::uint32_t(id)}).has_value(); });
      }, py::arg("conversation"))
      .def("__iter__", [](const ConversationsView& v) { return ConversationIterator{v.org, 0}; })
      .def("to_frame", [](const ConversationsView& v) { return frame(read_long(v.org, all_columns)); },
           "Every conversation's facts as a DataFrame indexed by id, in storage order (clustered by relationship "
           "and date). A copy: the store may change afterwards. Scores are nullable integers.")
      .def("columns", [](const ConversationsView& v) { return raw_columns(read_long(v.org, all_columns)); },
           "Every conversation's facts as NumPy arrays (copies), in storage order: id, relationship, date "
           "(datetime64[D]), kind (codes), guide, score and self_assessment (uint8; 255 = none).")
      .def("select", [](const ConversationsView& v, std::optional<UnitRef> unit, std::optional<Side> side,
                        std::optional<RelationshipRef> relationship, std::optional<ConversationKind> kind,
                        std::optional<GuideRef> guide, std::optional<Bond> bond, py::object period_arg, bool scored) {
        auto period = to_period_opt(period_arg);
        Filter f = read(*v.org, [&](const Organisation& o) {
          Filter f{resolve(o, unit), side, resolve(o, relationship), kind, resolve(o, guide), bond, period, scored};
          if (f.unit) o.unit(*f.unit);  // unknown ids raise NotFound here, with the GIL held
          if (f.relationship) o.relationship(*f.relationship);
          return f;
        });
        if (side && !unit) throw ValidationError("`side` needs a `unit`: it names a bone of that unit's fishbone");
        return frame(read_long(v.org, [f](const Organisation& o) { return select(o, f); }));
      }, py::kw_only(), py::arg("unit") = py::none(), py::arg("side") = py::none(), py::arg("relationship") = py::none(),
         py::arg("kind") = py::none(), py::arg("guide") = py::none(), py::arg("bond") = py::none(), py::arg("period") = py::none(),
         py::arg("scored") = false,
         "The conversations that match every filter given, as a DataFrame like `to_frame()`: on `unit`'s "
         "relationships (optionally one `side` of its fishbone) or on one `relationship`, of a `kind`, following a "
         "`guide`, on relationships with a `bond`, dated within `period` (a Period, (begin, end) or a year), "
         "`scored` only.")
      .def("answers_frame", [](const ConversationsView& v) {
        struct Row { std::uint32_t conversation; std::string question, text; };
        auto rows = read_nogil(*v.org, [](const Organisation& o) {
          std::vector<Row> out;
          if (o.answer_count() == 0) return out;
          const ConversationTable& t = o.conversations();
          for (std::uint32_t id = 0; id < t.id_bound(); ++id)
            if (t.row_of(ConversationId{id}))
              for (Answer& a : o.answers(ConversationId{id})) out.push_back(Row{id, std::move(a.question), std::move(a.text)});
          return out;
        });
        std::vector<std::uint32_t> conv;
        py::list question, text;
        for (Row& r : rows) conv.push_back(r.conversation), question.append(r.question), text.append(r.text);
        FrameBuilder f;
        f.ints("conversation", adopt(std::move(conv)));
        f.strings("question", question);
        f.strings("text", text);
        return f.frame();
      }, "Every free-text answer: conversation, question key, text.")
      .def_property_readonly("memory_bytes", [](const ConversationsView& v) {
        return read(*v.org, [](const Organisation& o) { return o.conversations().memory_bytes(); });
      }, "Bytes held by the column store.")
      .def("_repr_html_", [](py::object self) {
        return py::module_::import("rapport._html").attr("frame_html")(self.attr("to_frame")(), 20);
      })
      .def("__repr__", [](const ConversationsView& v) {
        auto n = read(*v.org, [](const Organisation& o) { return o.conversations().size(); });
        return "<rapport.Conversations: " + std::to_string(n) + ">";
      });

  m.def("_score_column", [](py::array values, std::optional<py::array> mask, std::string column) {
    values = contiguous(values);
    const std::size_t n = std::size_t(values.size());
    std::optional<py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>> m8;
    if (mask) m8 = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>::ensure(*mask);
    if (m8 && std::size_t(m8->size()) != n) throw ValidationError("mask and values differ in length");
    py::array_t<std::uint8_t> out{py::ssize_t(n)};
    std::uint8_t* o = out.mutable_data();
    const std::uint8_t* mk = m8 ? m8->data() : nullptr;
    dispatch_numeric(values, [&](auto* p) {
      py::gil_scoped_release nogil;
      scores_kernel(p, mk, n, o, column.c_str());
    }, column.c_str());
    return out;
  }, py::arg("values"), py::arg("mask"), py::arg("column"), "Scores of any numeric dtype -> uint8 (255: none), checked. Internal.");
  m.def("_id_column", [](py::array values, std::string column) {
    values = contiguous(values);
    const std::size_t n = std::size_t(values.size());
    py::array_t<std::uint32_t> out{py::ssize_t(n)};
    std::uint32_t* o = out.mutable_data();
    dispatch_numeric(values, [&](auto* p) {
      py::gil_scoped_release nogil;
      ids_kernel(p, n, o, column.c_str());
    }, column.c_str());
    return out;
  }, py::arg("values"), py::arg("column"), "Ids of any numeric dtype -> uint32, checked. Internal.");
  m.def("_day_column", [](py::array values, std::int64_t per_day, std::string column) {
    // values: the int64 view of a datetime64 array; per_day: its units in one day.
    values = contiguous(values);
    if (values.dtype().kind() != 'i' || values.dtype().itemsize() != 8) throw ValidationError("internal: int64 view expected");
    const std::size_t n = std::size_t(values.size());
    const auto* in = static_cast<const std::int64_t*>(values.data());
    py::array_t<std::int32_t> out{py::ssize_t(n)};
    std::int32_t* o = out.mutable_data();
    {
      py::gil_scoped_release nogil;
      constexpr std::int64_t nat = std::numeric_limits<std::int64_t>::min();
      for (std::size_t i = 0; i < n; ++i) {
        std::int64_t v = in[i];
        if (v == nat) bad_value(column.c_str(), i, "a date is required, got NaT");
        std::int64_t d = v / per_day - ((v % per_day) < 0);  // floor: 23:59 on the day before is that day
        if (d < std::numeric_limits<std::int32_t>::min() || d > std::numeric_limits<std::int32_t>::max())
          bad_value(column.c_str(), i, "date out of range");
        o[i] = std::int32_t(d);
      }
    }
    return out;
  }, py::arg("values"), py::arg("per_day"), py::arg("column"), "datetime64 (as int64) -> int32 days, checked. Internal.");

  auto cls = py::reinterpret_borrow<py::class_<PyOrg, PyOrgPtr>>(m.attr("Organisation"));
  cls.def_property_readonly("conversations", [](PyOrg& o) { return ConversationsView{o.shared_from_this()}; })
      .def("add_conversation", [](PyOrg& o, RelationshipRef rel, Date date, ConversationKind kind, std::optional<GuideRef> guide,
                                  py::object score, py::object self_assessment, py::object answers) {
        ConversationSpec spec{RelationshipId{}, date, kind, default_guide(kind), to_score(score), to_score(self_assessment), to_answers(answers)};
        return write(o, [&](Organisation& org) {
          spec.relationship = resolve(org, rel);
          if (guide) spec.guide = resolve(org, *guide);
          return record(org, org.add_conversation(spec));
        });
      }, py::arg("relationship"), py::arg("date"), py::kw_only(), py::arg("kind") = ConversationKind::customer_review,
         py::arg("guide") = py::none(), py::arg("score") = py::none(), py::arg("self_assessment") = py::none(),
         py::arg("answers") = py::none(),
         "Records a conversation and returns it. `guide` defaults to the built-in guide for `kind` (cooperation "
         "review -> cooperation guide; employee review and retention -> employee guide; else customer guide). "
         "`answers` maps question keys to text.")
      .def("add_conversations", [](PyOrg& o, py::object data, py::kwargs kw) {
        py::tuple c = py::module_::import("rapport._bulk").attr("conversation_columns")(py::cast(o.shared_from_this()), data, kw);
        // _bulk hands over arrays of exactly these dtypes, C-contiguous: these casts never copy.
        auto rel = c[0].cast<py::array_t<std::uint32_t, py::array::c_style>>();
        auto dates = c[1].cast<py::array_t<std::int32_t, py::array::c_style>>();
        auto kinds = c[2].cast<py::array_t<std::uint8_t, py::array::c_style>>();
        auto guides = c[3].cast<py::array_t<std::uint32_t, py::array::c_style>>();
        auto scores = c[4].cast<py::array_t<std::uint8_t, py::array::c_style>>();
        std::optional<py::array_t<std::uint8_t, py::array::c_style>> selfs;
        if (!c[5].is_none()) selfs = c[5].cast<py::array_t<std::uint8_t, py::array::c_style>>();
        const std::size_t n = std::size_t(rel.size());
        ConversationColumns cols{{rel.data(), n}, {dates.data(), std::size_t(dates.size())}, {kinds.data(), std::size_t(kinds.size())},
                                 {guides.data(), std::size_t(guides.size())}, {scores.data(), std::size_t(scores.size())},
                                 selfs ? std::span<const std::uint8_t>(selfs->data(), std::size_t(selfs->size())) : std::span<const std::uint8_t>()};
        ConversationId first = write_nogil(o, [&](Organisation& org) { return org.add_conversations(cols); });
        return py::module_::import("builtins").attr("range")(first.value, first.value + n);
      }, py::arg("data") = py::none(),
         "Adds many conversations in one call, all or none: from a pandas DataFrame, a dict of columns, or "
         "keyword columns (NumPy arrays or sequences). Columns: `relationship` (ids; or `provider` and "
         "`recipient` ids or keys, with an optional `bond`), `date` (datetime64, dates or ISO strings), "
         "optional `kind` (names, StrEnum or codes; default customer_review), `guide` (ids or keys; default by "
         "kind), `score` and `self_assessment` (ints; NaN, None or <NA> for none). Answers are not bulk-loaded. "
         "Returns the new ids as a range. The store is filled with the GIL released.")
      .def("update_conversation", [](PyOrg& o, ConvRef ref, py::kwargs kw) {
        std::optional<RelationshipRef> rel;
        std::optional<Date> date;
        std::optional<ConversationKind> kind;
        std::optional<GuideRef> guide;
        std::optional<std::optional<int>> score, self;
        std::optional<std::vector<Answer>> answers;
        for (auto [k, v] : kw) {
          auto field = k.cast<std::string>();
          if (field == "relationship") rel = v.cast<RelationshipRef>();
          else if (field == "date") date = v.cast<Date>();
          else if (field == "kind") kind = v.cast<ConversationKind>();
          else if (field == "guide") guide = v.cast<GuideRef>();
          else if (field == "score") score = to_score(v);
          else if (field == "self_assessment") self = to_score(v);
          else if (field == "answers") answers = to_answers(v);
          else throw py::type_error("update_conversation() got an unexpected keyword argument '" + field + "'");
        }
        return write(o, [&](Organisation& org) {
          ConversationId id = resolve(org, ref);
          ConversationRecord cur = record(org, id);
          ConversationSpec spec{cur.relationship, cur.date, cur.kind, cur.guide, cur.score, cur.self_assessment, cur.answers};
          if (rel) spec.relationship = resolve(org, *rel);
          if (date) spec.date = *date;
          if (kind) spec.kind = *kind;
          if (guide) spec.guide = resolve(org, *guide);
          if (score) spec.score = *score;
          if (self) spec.self_assessment = *self;
          if (answers) spec.answers = *answers;
          org.update_conversation(id, spec);
          return record(org, id);
        });
      }, py::arg("conversation"),
         "Changes the fields given as keywords (relationship, date, kind, guide, score, self_assessment, answers) "
         "and returns the updated conversation. Agreements made in it stay.")
      .def("remove_conversation", [](PyOrg& o, ConvRef ref) {
        write(o, [&](Organisation& org) { org.remove_conversation(resolve(org, ref)); });
      }, py::arg("conversation"), "Removes a conversation with its answers and the agreements made in it.")
      .def("conversation", [](const PyOrg& o, ConvRef ref) {
        return read(o, [&](const Organisation& org) { return record(org, resolve(org, ref)); });
      }, py::arg("conversation"))
      .def("answers", [](const PyOrg& o, ConvRef ref) {
        auto as = read(o, [&](const Organisation& org) { return org.answers(resolve(org, ref)); });
        py::dict d;
        for (const Answer& a : as) d[py::str(a.question)] = a.text;
        return d;
      }, py::arg("conversation"), "Question key -> answer text.")
      .def("compact", [](PyOrg& o) { write_nogil(o, [](Organisation& org) { org.compact(); }); },
           "Clusters every conversation by relationship and date now (otherwise done when due).");
}

}  // namespace rapport::python
