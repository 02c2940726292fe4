// Small value types and conversions every area uses: the enums, dates and periods, scales, questions,
// and turning column specs into DataFrames.
#include <limits>
#include <stdexcept>

#include "common.hpp"

namespace rapport::python {

namespace {
constexpr std::array<std::string_view, 3> side_names{"input", "throughput", "output"};
constexpr std::int32_t epoch_ordinal = 719163;  // date(1970, 1, 1).toordinal()
}  // namespace

std::string_view side_name(Side s) { return std::size_t(s) < side_names.size() ? side_names[std::size_t(s)] : "?"; }
Side parse_side(std::string_view s) {
  for (std::size_t i = 0; i < side_names.size(); ++i)
    if (side_names[i] == s) return Side(i);
  throw ValidationError("unknown side '" + std::string(s) + "' (expected one of: input, throughput, output)");
}

UnitId resolve(const Organisation& o, const UnitRef& r) {
  if (auto* key = std::get_if<std::string>(&r.v)) {
    if (auto id = o.find_unit(*key)) return *id;
    throw NotFoundError("unknown unit key '" + *key + "'");
  }
  return UnitId{std::get<std::uint32_t>(r.v)};
}

GuideId resolve(const Organisation& o, const GuideRef& r) {
  if (auto* key = std::get_if<std::string>(&r.v)) {
    if (auto id = o.find_guide(*key)) return *id;
    throw NotFoundError("unknown guide key '" + *key + "'");
  }
  return GuideId{std::get<std::uint32_t>(r.v)};
}

bool date_load(Date& value, py::handle src, bool convert) {
  ensure_datetime_api();
  PyObject* p = src.ptr();
  if (PyDate_Check(p)) {  // datetime.datetime and pandas.Timestamp are dates too: their date part counts
    // pandas.NaT is a datetime subclass too; it is the one value unequal to itself.
    // (PyObject_RichCompareBool would take the identity shortcut, hence the full comparison.)
    if (!PyDate_CheckExact(p) && !PyDateTime_CheckExact(p)) {
      auto ne = py::reinterpret_steal<py::object>(PyObject_RichCompare(p, p, Py_NE));
      if (!ne) throw py::error_already_set();
      if (PyObject_IsTrue(ne.ptr()) == 1) throw ValidationError("a date is required, got NaT");
    }
    value = Date::from_ymd(PyDateTime_GET_YEAR(p), unsigned(PyDateTime_GET_MONTH(p)), unsigned(PyDateTime_GET_DAY(p)));
    return true;
  }
  if (!convert) return false;
  if (PyUnicode_Check(p)) {
    value = Date::parse(src.cast<std::string>());
    return true;
  }
  // numpy.datetime64 (any unit): through datetime64[D], whose .item() is a datetime.date.
  if (py::hasattr(src, "dtype") && py::hasattr(src, "astype")) {
    py::object kind = src.attr("dtype").attr("kind");
    if (kind.cast<std::string>() == "M") {
      py::object day = src.attr("astype")("datetime64[D]");
      py::object as_int = day.attr("astype")("int64");
      if (py::bool_(py::module_::import("numpy").attr("isnat")(day)))
        throw ValidationError("a date is required, got NaT");
      long long days = as_int.cast<long long>();
      if (days < INT32_MIN || days > INT32_MAX) throw ValidationError("date out of range");
      value = Date{std::int32_t(days)};
      return true;
    }
  }
  return false;
}

py::handle date_cast(Date d) {
  ensure_datetime_api();
  auto ymd = d.ymd();
  if (!ymd.ok() || int(ymd.year()) < 1 || int(ymd.year()) > 9999) {
    // Only days outside datetime.date's range (years 1-9999) get here; say so rather than crash.
    PyErr_SetString(PyExc_OverflowError, ("date " + std::to_string(d.days) + " days from 1970 is outside datetime.date's range").c_str());
    return nullptr;
  }
  return PyDate_FromDate(int(ymd.year()), int(unsigned(ymd.month())), int(unsigned(ymd.day())));
}

namespace {
Period checked_period(Date b, Date e) {
  if (e < b) throw ValidationError("a period ends (" + e.iso() + ") before it begins (" + b.iso() + ")");
  return Period{b, e};
}
Scale checked_scale(int min, int max) {
  if (min < 0 || max > 254 || min >= max)
    throw ValidationError("a scale needs 0 <= min < max <= 254, got " + std::to_string(min) + "-" + std::to_string(max));
  return Scale{std::uint8_t(min), std::uint8_t(max)};
}
}  // namespace

Period to_period(py::handle h) {
  if (py::isinstance<Period>(h)) return h.cast<Period>();
  if (!PyBool_Check(h.ptr()) && PyLong_Check(h.ptr())) return Period::year(h.cast<int>());
  if (py::isinstance<py::tuple>(h) || py::isinstance<py::list>(h)) {
    auto t = py::reinterpret_borrow<py::sequence>(h);
    if (t.size() != 2) throw ValidationError("a period is a (begin, end) pair");
    return checked_period(t[0].cast<Date>(), t[1].cast<Date>());
  }
  throw py::type_error("a period is a rapport.Period, a (begin, end) pair of dates or a year");
}
std::optional<Period> to_period_opt(py::handle h) {
  if (h.is_none()) return std::nullopt;
  return to_period(h);
}

Scale to_scale(py::handle h) {
  if (py::isinstance<Scale>(h)) return h.cast<Scale>();
  if (py::isinstance<py::tuple>(h) || py::isinstance<py::list>(h)) {
    auto t = py::reinterpret_borrow<py::sequence>(h);
    if (t.size() != 2) throw ValidationError("a scale is a (min, max) pair");
    return checked_scale(t[0].cast<int>(), t[1].cast<int>());
  }
  throw py::type_error("a scale is a rapport.Scale or a (min, max) pair");
}

py::object FrameBuilder::frame(const char* index, py::object owner) const {
  return py::module_::import("rapport._frames").attr("build")(specs_, index ? py::object(py::str(index)) : py::object(py::none()), owner);
}

UnitTextCache::~UnitTextCache() {
#if PY_VERSION_HEX >= 0x030D0000
  const bool finalizing = Py_IsFinalizing();
#else
  const bool finalizing = _Py_IsFinalizing();
#endif
  if (!Py_IsInitialized() || finalizing) {  // Python is going or gone: leave the strings to it
    for (auto& field : made_)
      for (py::object& o : field) o.release();
    return;
  }
  py::gil_scoped_acquire gil;
  for (auto& field : made_) field.clear();
}

std::vector<py::object>& UnitTextCache::texts(const Organisation& org, int field) {
  if (units_version_ != org.units_version()) {  // also the first call: versions start at 1
    for (auto& f : made_) f.assign(org.units().id_bound(), py::object());
    units_version_ = org.units_version();
  }
  return made_[std::size_t(field)];
}

py::handle UnitText::text(std::uint32_t id) {
  if (id >= made_.size()) return py::none();
  py::object& t = made_[id];
  if (!t) {
    const Unit* u = org_.units().find(UnitId{id});
    t = u ? py::object(py::str(field_ == key ? u->key : u->name)) : py::object(py::none());
  }
  return t;
}

py::array UnitText::column(std::span<const std::uint32_t> ids) {
  // Every row takes a reference to its unit's string. Taken row by row, each incref touched one
  // string among 100k, a cache miss: about a third of latest_scores from Python in a profile. So the
  // rows are counted per unit first, and each string gets its references at once.
  const std::size_t units = made_.size();  // ids from `units` up name no unit: None
  auto slot_of = [units](std::uint32_t id) { return std::min<std::size_t>(id, units); };
  score::ResultColumn<std::uint32_t> uses(units + 1, 0);
  for (std::uint32_t id : ids) ++uses[slot_of(id)];
  score::ResultColumn<PyObject*> text_of(units + 1, nullptr);  // borrowed
  for (std::size_t u = 0; u <= units; ++u)
    if (uses[u]) text_of[u] = (u < units ? text(std::uint32_t(u)) : py::none()).ptr();  // may throw: before any reference is taken
  for (std::size_t u = 0; u <= units; ++u)
    for (std::uint32_t k = 0; k < uses[u]; ++k) Py_INCREF(text_of[u]);
  return object_column(ids.size(), [&](PyObject** slot) {
    for (std::size_t i = 0; i < ids.size(); ++i) slot[i] = text_of[slot_of(ids[i])];
  });
}

void FrameBuilder::dates(const char* name, py::array days, py::object mask) {
  constexpr std::int64_t ns_per_day = 86'400'000'000'000;
  auto d = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>::ensure(days);
  if (!d || d.ndim() != 1) throw std::invalid_argument("FrameBuilder::dates: days must be a 1-d int32 array");
  const std::size_t n = std::size_t(d.size());
  const std::int32_t* in = d.data();
  py::array_t<bool, py::array::c_style | py::array::forcecast> m;
  const bool* missing = nullptr;
  if (!mask.is_none()) {
    m = py::array_t<bool, py::array::c_style | py::array::forcecast>::ensure(mask);
    if (!m || std::size_t(m.size()) != n) throw std::invalid_argument("FrameBuilder::dates: the mask must match the days");
    missing = m.data();
  }
  // pandas' datetime64[ns] holds 1677-09-22 .. 2262-04-11; the core holds years 1-9999.
  constexpr std::int32_t last_day = std::int32_t(std::numeric_limits<std::int64_t>::max() / ns_per_day);
  auto outside = [&](std::size_t i) { return (!missing || !missing[i]) && (in[i] > last_day || in[i] < -last_day); };
  score::ResultColumn<std::int64_t> ns;
  detail::size_for_overwrite(n, ns);
  // Without branches: where values go missing at random (most relationships without data at 1M
  // conversations), a branch per value mispredicted half the time.
  bool any_outside = false;
  for (std::size_t i = 0; i < n; ++i) {
    const bool gone = missing && missing[i];
    any_outside |= outside(i);
    ns[i] = gone ? std::numeric_limits<std::int64_t>::min() : std::int64_t(in[i]) * ns_per_day;  // NaT when gone
  }
  if (any_outside)
    for (std::size_t i = 0; i < n; ++i)
      if (outside(i))
        throw ValidationError(std::string("column '") + name + "': the date " + Date{in[i]}.iso() +
                              " is outside the years pandas can hold (1678-2261)");
  py::array values = adopt(std::move(ns));
  add(name, "datetime", values.attr("view")("datetime64[ns]"));
}

void init_types(py::module_& m) {
  ensure_datetime_api();
  register_enum<UnitKind>(m, "What a unit is: a person, team, department, the company, or an external party.");
  register_enum<Bond>(m, "The nature of a relationship: service, cooperation or leadership.");
  register_enum<ConversationKind>(m, "The kinds of conversation.");
  register_enum<AgreementStatus>(m, "An agreement is open, kept, broken or dropped.");
  register_enum<ComplaintStage>(m, "ISO 10002 lifecycle steps of a complaint, in order.");
  register_enum<ComplaintOutcome>(m, "How a closed complaint ended.");
  register_enum<Severity>(m, "How serious a complaint is.");
  register_enum<ReferralOutcome>(m, "Whether a referral is pending, won or lost.");
  register_enum<ReferralTarget>(m, "Whether a referral brings a customer or an employee.");
  register_enum<Side>(m, "The bones of a unit's fishbone: input (its suppliers), throughput (peers), output (its customers).");

  py::class_<Period>(m, "Period", "The dates `begin <= d < end` (half-open).")
      .def(py::init(&checked_period), py::arg("begin"), py::arg("end"))
      .def(py::init([](py::tuple t) { return to_period(t); }))
      .def(py::init([](int year) { return Period::year(year); }), "The calendar year `year`.")
      .def_static("year", &Period::year, py::arg("year"), "The calendar year `year`.")
      .def_static("last_twelve_months", &Period::last_twelve_months, py::arg("as_of"),
                  "The twelve months that end on `as_of`, `as_of` included.")
      .def_readonly("begin", &Period::begin)
      .def_readonly("end", &Period::end)
      .def("__contains__", &Period::contains, py::arg("date"))
      .def("contains", &Period::contains, py::arg("date"))
      .def("__eq__", [](const Period& a, const Period& b) { return a == b; }, py::is_operator())
      .def("__hash__", [](const Period& p) { return py::hash(py::make_tuple(p.begin.days, p.end.days)); })
      .def("__iter__", [](const Period& p) { return py::iter(py::make_tuple(p.begin, p.end)); })
      .def("__repr__", [](const Period& p) { return "Period(" + p.begin.iso() + ", " + p.end.iso() + ")"; })
      .def(py::pickle([](const Period& p) { return py::make_tuple(p.begin, p.end); },
                      [](py::tuple t) { return Period{t[0].cast<Date>(), t[1].cast<Date>()}; }));

  py::class_<Scale>(m, "Scale", "An integer rating scale `min..max`; scores are stored in the scale's own units.")
      .def(py::init(&checked_scale), py::arg("min") = 0, py::arg("max") = 10)
      .def(py::init([](py::tuple t) { return to_scale(t); }))
      .def_property_readonly("min", [](const Scale& s) { return int(s.min); })
      .def_property_readonly("max", [](const Scale& s) { return int(s.max); })
      .def_property_readonly("span", &Scale::span)
      .def_property_readonly("is_nps", &Scale::is_nps, "NPS is defined only for a 0-10 scale.")
      .def("contains", &Scale::contains, py::arg("score"))
      .def("normalise", &Scale::normalise, py::arg("x"), "`(x - min) / (max - min) * 100`.")
      .def("__eq__", [](const Scale& a, const Scale& b) { return a == b; }, py::is_operator())
      .def("__hash__", [](const Scale& s) { return py::hash(py::make_tuple(int(s.min), int(s.max))); })
      .def("__repr__", [](const Scale& s) { return "Scale(" + std::to_string(s.min) + ", " + std::to_string(s.max) + ")"; });

  py::class_<Question>(m, "Question", "One question of a guide, with its wording per language.")
      .def(py::init([](std::string key, py::object text) {
             Question q{std::move(key), {}};
             if (py::isinstance<py::str>(text)) q.text["en"] = text.cast<std::string>();
             else if (!text.is_none()) q.text = text.cast<std::map<std::string, std::string>>();
             return q;
           }),
           py::arg("key"), py::arg("text") = py::none(),
           "`text` is the English wording, or a dict language code -> wording.")
      .def_readonly("key", &Question::key)
      .def_readonly("text", &Question::text)
      .def("text_in", [](const Question& q, std::string_view lang) { return std::string(q.text_in(lang)); },
           py::arg("language") = "en", "The wording in `language`, else English, else any.")
      .def("__eq__", [](const Question& a, const Question& b) { return a == b; }, py::is_operator())
      .def("__repr__", [](const Question& q) {
        return "Question(" + py::repr(py::str(q.key)).cast<std::string>() + ", " +
               py::repr(py::str(std::string(q.text_in("en")))).cast<std::string>() + ")";
      });
}

}  // namespace rapport::python
