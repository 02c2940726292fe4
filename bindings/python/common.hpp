#pragma once
// Shared by every translation unit of the private module `_rapport`: the Python-side Organisation
// (the core object plus the lock that makes GIL-free calls safe), the type casters for dates, enums
// and record references, and the helpers that run engine calls without the GIL.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <datetime.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

#include "rapport/rapport.hpp"
#include "rapport/score/batch.hpp"

namespace py = pybind11;

namespace rapport::python {

// ------------------------------------------------------------------------------- the Organisation

/// Every unit's key and name as Python strings, made on first use and kept while the units stay the
/// same (Organisation::units_version). The label columns of batch scores name every unit on every
/// call: 200k new strings a call for keys and names cost their making and, as Python gave their
/// memory back, about 2,500 page faults a call for the first ten calls (half of unit_scores).
class UnitTextCache {
 public:
  UnitTextCache() = default;
  UnitTextCache(const UnitTextCache&) = delete;
  UnitTextCache& operator=(const UnitTextCache&) = delete;
  ~UnitTextCache();  ///< takes the GIL to drop the strings (the last owner may be a worker thread)
  /// The strings of one field by unit id, null until made. Needs the GIL and the organisation's lock.
  std::vector<py::object>& texts(const Organisation& org, int field);

 private:
  std::uint64_t units_version_ = 0;
  std::array<std::vector<py::object>, 2> made_;  ///< keys, names
};

/// What the Python `Organisation` holds. The core object is not thread-safe; calls that release the GIL
/// would otherwise race with another Python thread's changes, so every binding takes `mu`: shared to
/// read, exclusive to change. No thread waits for the lock while it holds the GIL (see Lock below), and
/// no thread waits for the GIL while it holds the lock in exclusive mode, so the two never deadlock.
struct PyOrg : std::enable_shared_from_this<PyOrg> {
  Organisation org;
  mutable std::shared_mutex mu;
  mutable score::BatchIndexCache batch_index;  ///< for the batch scores, while the relationships stay
  mutable UnitTextCache unit_text;             ///< for label columns, while the units stay
  PyOrg() = default;
  explicit PyOrg(Organisation o) : org(std::move(o)) {}
  PyOrg(const PyOrg&) = delete;
  PyOrg& operator=(const PyOrg&) = delete;
};
using PyOrgPtr = std::shared_ptr<PyOrg>;

/// Takes the lock without blocking other Python threads: a try first (the common, uncontended case)
/// and, only if that fails, a blocking wait with the GIL released.
template <class L>
L take(std::shared_mutex& mu) {
  L lock(mu, std::try_to_lock);
  if (!lock.owns_lock()) {
    py::gil_scoped_release nogil;
    lock.lock();
  }
  return lock;
}
using Shared = std::shared_lock<std::shared_mutex>;
using Exclusive = std::unique_lock<std::shared_mutex>;

/// A quick read with the GIL held.
template <class F>
auto read(const PyOrg& o, F&& f) {
  auto lock = take<Shared>(o.mu);
  return f(static_cast<const Organisation&>(o.org));
}
/// A quick change with the GIL held.
template <class F>
auto write(PyOrg& o, F&& f) {
  auto lock = take<Exclusive>(o.mu);
  return f(o.org);
}
/// A change that may take long: runs with the GIL released. `f` must not touch Python objects.
template <class F>
auto write_nogil(PyOrg& o, F&& f) {
  py::gil_scoped_release nogil;
  Exclusive lock(o.mu);
  return f(o.org);
}
/// A read that may take long, with the GIL released. `f` must not touch Python objects.
template <class F>
auto read_nogil(const PyOrg& o, F&& f) {
  py::gil_scoped_release nogil;
  Shared lock(o.mu);
  return f(static_cast<const Organisation&>(o.org));
}

/// Conversations above which a read runs on a worker thread so the caller can be interrupted.
inline constexpr std::size_t interruptible_above = 200'000;

/// Runs a read-only engine call so that Ctrl-C (or any signal handler that raises) interrupts it.
/// Large calls run on a worker thread while the calling thread waits with the GIL released and checks
/// for signals every 20 ms; on an interrupt the exception propagates at once, and the worker, which owns
/// everything it uses (the Organisation through a shared_ptr, `f` by value, its own result), finishes in
/// the background: a core call cannot be stopped midway, but `f` may take a second argument, a
/// `const std::atomic<bool>&` that turns true on an interrupt, and stop early between core calls.
/// Changes to that Organisation wait until the worker has finished. Small calls (fewer than
/// `interruptible_above` conversations, unless `always_interruptible`) run inline with the GIL released.
/// `f(const Organisation&[, cancelled])` must own its inputs and touch no Python object.
template <class F>
auto read_long(const PyOrgPtr& o, F f, bool always_interruptible = false) {
  constexpr bool cancellable = std::is_invocable_v<F&, const Organisation&, const std::atomic<bool>&>;
  auto call = [](F& fn, const Organisation& org, const std::atomic<bool>& cancelled) {
    if constexpr (cancellable) return fn(org, cancelled);
    else return fn(org);
  };
  using R = decltype(call(f, o->org, std::declval<const std::atomic<bool>&>()));
  auto cancelled = std::make_shared<std::atomic<bool>>(false);
  if (!always_interruptible && o->org.conversations().rows() < interruptible_above)
    return read_nogil(*o, [&](const Organisation& org) { return call(f, org, *cancelled); });
  auto task = std::make_shared<std::packaged_task<R()>>([o, f = std::move(f), cancelled, call]() mutable {
    Shared lock(o->mu);
    return call(f, static_cast<const Organisation&>(o->org), *cancelled);
  });
  std::future<R> done = task->get_future();
  std::thread([task] { (*task)(); }).detach();
  for (;;) {
    {
      py::gil_scoped_release nogil;
      if (done.wait_for(std::chrono::milliseconds(20)) == std::future_status::ready) break;
    }
    if (PyErr_CheckSignals() != 0) {
      cancelled->store(true);
      throw py::error_already_set();
    }
  }
  return done.get();
}

/// What a cancellable loop throws when it sees the interrupt (nobody catches it: the result is dropped).
struct Cancelled {};

// ------------------------------------------------------------------------------------- references

/// A record named by the caller: an id, a key (units and guides only), or the record itself.
template <class IdT>
struct Ref {
  std::variant<std::uint32_t, std::string> v;
};
using UnitRef = Ref<UnitId>;
using RelationshipRef = Ref<RelationshipId>;
using GuideRef = Ref<GuideId>;
using ConvRef = Ref<ConversationId>;
using AgreementRef = Ref<AgreementId>;
using ComplaintRef = Ref<ComplaintId>;
using ReferralRef = Ref<ReferralId>;

/// A conversation as Python sees it: the stored facts and the answers, keyed by question.
struct ConversationRecord : ConversationFacts {
  std::vector<Answer> answers;
};

template <class IdT> struct RefTraits;
template <> struct RefTraits<UnitId> { using Record = Unit; static constexpr const char* what = "unit"; static constexpr bool keyed = true; };
template <> struct RefTraits<RelationshipId> { using Record = Relationship; static constexpr const char* what = "relationship"; static constexpr bool keyed = false; };
template <> struct RefTraits<GuideId> { using Record = Guide; static constexpr const char* what = "guide"; static constexpr bool keyed = true; };
template <> struct RefTraits<ConversationId> { using Record = ConversationRecord; static constexpr const char* what = "conversation"; static constexpr bool keyed = false; };
template <> struct RefTraits<AgreementId> { using Record = Agreement; static constexpr const char* what = "agreement"; static constexpr bool keyed = false; };
template <> struct RefTraits<ComplaintId> { using Record = Complaint; static constexpr const char* what = "complaint"; static constexpr bool keyed = false; };
template <> struct RefTraits<ReferralId> { using Record = Referral; static constexpr const char* what = "referral"; static constexpr bool keyed = false; };

/// The id a reference names. Keys are looked up (NotFoundError if unknown); ids are passed on for the
/// core to check, except ids no record can have.
UnitId resolve(const Organisation& o, const UnitRef& r);
GuideId resolve(const Organisation& o, const GuideRef& r);
template <class IdT>
IdT resolve(const Organisation&, const Ref<IdT>& r) {
  return IdT{std::get<std::uint32_t>(r.v)};
}
template <class IdT>
std::optional<IdT> resolve(const Organisation& o, const std::optional<Ref<IdT>>& r) {
  if (!r) return std::nullopt;
  return resolve(o, *r);
}

// ------------------------------------------------------------------------------------------ enums

/// Python's view of a core enum: a `enum.StrEnum` created at import (`rapport.Bond.SERVICE ==
/// "service"`); arguments accept the member, its string or its stable integer value.
template <class E> struct EnumTraits;
#define RAPPORT_PY_ENUM_TRAITS(E, PYNAME, COUNT, TO_STRING, PARSE)                         \
  template <> struct EnumTraits<E> {                                                       \
    static constexpr const char* py_name = PYNAME;                                         \
    static constexpr int count = COUNT;                                                    \
    static std::string_view name(E e) { return TO_STRING(e); }                             \
    static E parse(std::string_view s) { return PARSE(s); }                                \
    static inline PyObject* cls = nullptr; /* leaked on purpose: lives as long as Python */ \
  };
std::string_view side_name(Side s);
Side parse_side(std::string_view s);
RAPPORT_PY_ENUM_TRAITS(UnitKind, "UnitKind", unit_kind_count, to_string, parse_unit_kind)
RAPPORT_PY_ENUM_TRAITS(Bond, "Bond", bond_count, to_string, parse_bond)
RAPPORT_PY_ENUM_TRAITS(ConversationKind, "ConversationKind", conversation_kind_count, to_string, parse_conversation_kind)
RAPPORT_PY_ENUM_TRAITS(AgreementStatus, "AgreementStatus", agreement_status_count, to_string, parse_agreement_status)
RAPPORT_PY_ENUM_TRAITS(ComplaintStage, "ComplaintStage", complaint_stage_count, to_string, parse_complaint_stage)
RAPPORT_PY_ENUM_TRAITS(ComplaintOutcome, "ComplaintOutcome", 4, to_string, parse_complaint_outcome)
RAPPORT_PY_ENUM_TRAITS(Severity, "Severity", 4, to_string, parse_severity)
RAPPORT_PY_ENUM_TRAITS(ReferralOutcome, "ReferralOutcome", 3, to_string, parse_referral_outcome)
RAPPORT_PY_ENUM_TRAITS(ReferralTarget, "ReferralTarget", 2, to_string, parse_referral_target)
RAPPORT_PY_ENUM_TRAITS(Side, "Side", 3, side_name, parse_side)

/// Creates the StrEnum for E and adds it to `m`.
template <class E>
void register_enum(py::module_& m, const char* doc) {
  py::list members;
  for (int i = 0; i < EnumTraits<E>::count; ++i) {
    std::string value(EnumTraits<E>::name(E(i)));
    std::string upper = value;
    for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
    members.append(py::make_tuple(upper, value));
  }
  py::object str_enum = py::module_::import("enum").attr("StrEnum");
  py::object cls = str_enum(EnumTraits<E>::py_name, members, py::arg("module") = "rapport");
  cls.attr("__doc__") = doc;
  m.attr(EnumTraits<E>::py_name) = cls;
  EnumTraits<E>::cls = cls.release().ptr();
}

template <class E>
bool enum_load(E& value, py::handle src) {
  if (PyUnicode_Check(src.ptr())) {
    value = EnumTraits<E>::parse(src.cast<std::string>());
    return true;
  }
  if (PyBool_Check(src.ptr()) || !PyIndex_Check(src.ptr())) return false;
  auto i = py::reinterpret_steal<py::object>(PyNumber_Index(src.ptr()));
  if (!i) throw py::error_already_set();
  long long v = i.cast<long long>();
  if (v < 0 || v >= EnumTraits<E>::count)
    throw ValidationError("invalid " + std::string(EnumTraits<E>::py_name) + " value " + std::to_string(v));
  value = E(v);
  return true;
}
template <class E>
py::handle enum_cast(E e) {
  return py::handle(EnumTraits<E>::cls)(py::str(std::string(EnumTraits<E>::name(e)))).release();
}

// ------------------------------------------------------------------------------------------ dates

inline void ensure_datetime_api() {
  if (!PyDateTimeAPI) PyDateTime_IMPORT;
}
/// datetime.date (or datetime, or pandas.Timestamp: the date part), numpy.datetime64, or an ISO string.
bool date_load(Date& value, py::handle src, bool convert);
py::handle date_cast(Date d);

/// A Period, (begin, end) pair or year; a ValidationError (not a TypeError) when it is not a period.
Period to_period(py::handle h);
std::optional<Period> to_period_opt(py::handle h);
/// A Scale or (min, max) pair.
Scale to_scale(py::handle h);

// ---------------------------------------------------------------------------------------- frames

/// Columns on their way to a pandas DataFrame; `rapport._frames.build` turns the specs into columns.
class FrameBuilder {
 public:
  void ints(const char* name, py::array values) { add(name, "int", std::move(values)); }
  void floats(const char* name, py::array values) { add(name, "float", std::move(values)); }
  void bools(const char* name, py::array values) { add(name, "bool", std::move(values)); }
  /// Values plus a mask (True = missing).
  void nullable_ints(const char* name, py::array values, py::array mask) { add(name, "nullable_int", std::move(values), std::move(mask)); }
  /// Days since 1970-01-01 as int32, and a mask (True = missing) or None. Converted here to the
  /// datetime64[ns] pandas stores, in one pass into kept memory (score::ResultColumn).
  void dates(const char* name, py::array days, py::object mask = py::none());
  /// uint8 codes of a core enum.
  template <class E>
  void enums(const char* name, py::array codes) { add(name, "enum", std::move(codes), py::reinterpret_borrow<py::object>(EnumTraits<E>::cls)); }
  /// A list, or an object array (UnitText::column).
  void strings(const char* name, py::object values) { add(name, "str", std::move(values)); }
  void objects(const char* name, py::list values) { add(name, "object", std::move(values)); }
  /// Builds the DataFrame (pandas is imported here, lazily). `index` names the column to index by.
  py::object frame(const char* index = nullptr, py::object owner = py::none()) const;

 private:
  void add(const char* name, const char* kind, py::object data, py::object extra = py::none()) {
    specs_.append(py::make_tuple(name, kind, std::move(data), std::move(extra)));
  }
  py::list specs_;
};

/// A text column of units (their keys or names) for frames whose rows name units: each unit's text
/// becomes one Python string on first use, shared by every row that names the unit, in an object
/// array (pandas keeps text that way). A new string per row made latest_scores of a million
/// relationships spend seconds on its two key columns. Ids that name no unit give None. Needs the GIL
/// and the organisation's lock while it lives.
class UnitText {
 public:
  enum Field { key, name };
  /// With the handle's cache, strings made by earlier calls are reused (and new ones kept).
  UnitText(const Organisation& org, Field field, UnitTextCache* cache = nullptr)
      : org_(org), field_(field), made_(cache ? cache->texts(org, field) : own_) {
    if (!cache) own_.resize(org.units().id_bound());
  }
  py::array column(std::span<const std::uint32_t> ids);

 private:
  py::handle text(std::uint32_t id);
  const Organisation& org_;
  Field field_;
  std::vector<py::object> own_;
  std::vector<py::object>& made_;  ///< by unit id; null until first used
};

/// An object array of n references held in kept memory (score::ResultColumn) rather than a fresh
/// NumPy buffer. fill(slots) stores n references it owns; the slots start null, and a capsule drops
/// every reference stored (also those of a fill that threw part-way) when the array goes. Needs the GIL.
template <class F>
py::array object_column(std::size_t n, F&& fill) {
  using Refs = score::ResultColumn<PyObject*>;
  auto* refs = new Refs(n, nullptr);
  py::capsule owner(refs, [](void* p) {
    auto* r = static_cast<Refs*>(p);
    for (PyObject* o : *r) Py_XDECREF(o);
    delete r;
  });
  fill(refs->data());
  return py::array(py::dtype("O"), {py::ssize_t(n)}, {py::ssize_t(sizeof(PyObject*))}, refs->data(), owner);
}

/// A NumPy array over a C++ vector without a copy: the array's base is `owner`, which keeps the
/// vector alive. Use only where `owner` never changes the vector while Python can see it.
template <class T, class A>
py::array view_of(const std::vector<T, A>& v, py::handle owner) {
  return py::array_t<T>({py::ssize_t(v.size())}, {py::ssize_t(sizeof(T))}, v.data(), owner);
}
/// A NumPy array that takes the vector over (no copy): a capsule owning it is the array's base.
template <class T, class A>
py::array adopt(std::vector<T, A>&& v) {
  auto* heap = new std::vector<T, A>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T, A>*>(p); });
  return py::array_t<T>({py::ssize_t(heap->size())}, {py::ssize_t(sizeof(T))}, heap->data(), owner);
}
/// A bool array taking over 0/1 flags (std::vector<bool> has no buffer to share).
inline py::array adopt_flags(score::ResultColumn<std::uint8_t>&& v) { return adopt(std::move(v)).attr("view")("bool"); }

// ------------------------------------------------------------------------------ module structure

void init_errors(py::module_& m);
void init_types(py::module_& m);
void init_model(py::module_& m);
void init_conversations(py::module_& m);
void init_archive(py::module_& m);
void init_scores(py::module_& m);
void init_sample(py::module_& m);

/// Whether this build binds the scores (include/rapport/score.hpp existed when it was compiled).
/// Health band and value of each relationship in `rels` for the fishbone drawing, or an empty list
/// when this build has no scores. Called with the read lock held and the GIL held.
struct BoneHealth {
  bool known = false;
  double value = 0;
  std::string band;  ///< "red", "yellow", "green", or empty when not known
};
std::vector<BoneHealth> relationship_health(const Organisation& o, const std::vector<RelationshipId>& rels,
                                            std::optional<Date> as_of);

}  // namespace rapport::python

// ---------------------------------------------------------------------------------------- casters

namespace pybind11::detail {

template <>
struct type_caster<rapport::Date> {
  PYBIND11_TYPE_CASTER(rapport::Date, const_name("datetime.date"));
  bool load(handle src, bool convert) { return rapport::python::date_load(value, src, convert); }
  static handle cast(rapport::Date d, return_value_policy, handle) { return rapport::python::date_cast(d); }
};

template <class Tag>
struct type_caster<rapport::Id<Tag>> {
  PYBIND11_TYPE_CASTER(rapport::Id<Tag>, const_name("int"));
  bool load(handle src, bool) {
    if (PyBool_Check(src.ptr()) || !PyIndex_Check(src.ptr())) return false;
    auto i = reinterpret_steal<object>(PyNumber_Index(src.ptr()));
    if (!i) throw error_already_set();
    long long v = i.cast<long long>();
    if (v < 0 || v >= (long long)rapport::Id<Tag>::invalid_value) return false;
    value = rapport::Id<Tag>(std::uint32_t(v));
    return true;
  }
  static handle cast(rapport::Id<Tag> id, return_value_policy, handle) {
    return PyLong_FromUnsignedLong(id.value);
  }
};

template <class IdT>
struct type_caster<rapport::python::Ref<IdT>> {
  using Traits = rapport::python::RefTraits<IdT>;
  PYBIND11_TYPE_CASTER(rapport::python::Ref<IdT>, const_name("int | str | record"));
  bool load(handle src, bool) {
    if (PyUnicode_Check(src.ptr())) {
      if (!Traits::keyed) return false;
      value.v = src.cast<std::string>();
      return true;
    }
    if (isinstance<typename Traits::Record>(src)) {
      value.v = src.cast<const typename Traits::Record&>().id.value;
      return true;
    }
    if (PyBool_Check(src.ptr()) || !PyIndex_Check(src.ptr())) return false;
    auto i = reinterpret_steal<object>(PyNumber_Index(src.ptr()));
    if (!i) throw error_already_set();
    long long v = i.cast<long long>();
    if (v < 0 || v >= (long long)IdT::invalid_value)
      throw rapport::NotFoundError(std::string("unknown ") + Traits::what + " id " + std::to_string(v));
    value.v = std::uint32_t(v);
    return true;
  }
};

#define RAPPORT_PY_ENUM_CASTER(E)                                                               \
  template <>                                                                                   \
  struct type_caster<E> {                                                                       \
    PYBIND11_TYPE_CASTER(E, const_name("str"));                                                 \
    bool load(handle src, bool) { return rapport::python::enum_load(value, src); }              \
    static handle cast(E e, return_value_policy, handle) { return rapport::python::enum_cast(e); } \
  };
RAPPORT_PY_ENUM_CASTER(rapport::UnitKind)
RAPPORT_PY_ENUM_CASTER(rapport::Bond)
RAPPORT_PY_ENUM_CASTER(rapport::ConversationKind)
RAPPORT_PY_ENUM_CASTER(rapport::AgreementStatus)
RAPPORT_PY_ENUM_CASTER(rapport::ComplaintStage)
RAPPORT_PY_ENUM_CASTER(rapport::ComplaintOutcome)
RAPPORT_PY_ENUM_CASTER(rapport::Severity)
RAPPORT_PY_ENUM_CASTER(rapport::ReferralOutcome)
RAPPORT_PY_ENUM_CASTER(rapport::ReferralTarget)
RAPPORT_PY_ENUM_CASTER(rapport::Side)
#undef RAPPORT_PY_ENUM_CASTER

}  // namespace pybind11::detail
