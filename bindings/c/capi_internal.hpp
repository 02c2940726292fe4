// Not public. What every translation unit of the C shim shares: the one exception guard, the handle
// registry, library-owned memory and argument checks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "rapport.h"
#include "rapport/date.hpp"
#include "rapport/error.hpp"
#include "rapport/ids.hpp"
#include "rapport/organisation.hpp"
#include "rapport/score/batch.hpp"

namespace rapport::capi {

// --------------------------------------------------------------------------------------- errors

/// An error the shim itself detects (misuse, a bad argument before it reaches the core). Deliberately
/// not a std::exception, so it cannot be confused with one from the core.
struct ApiError {
  rapport_status status;
  std::string message;
};
[[noreturn]] void fail(rapport_status status, std::string message);

/// Records the outcome of a call for rapport_last_error_*; never throws, never allocates.
rapport_status set_error(const char* function, rapport_status status, const char* message) noexcept;
void clear_error() noexcept;
rapport_status to_status(rapport::ErrorCode code) noexcept;

/// Runs `body` so that no exception crosses the C boundary: every exported function is
/// `return guarded(__func__, [&] { ... });`. The body reports failure by throwing.
template <class F>
rapport_status guarded(const char* function, F&& body) noexcept {
  try {
    body();
    clear_error();
    return RAPPORT_OK;
  } catch (const ApiError& e) {
    return set_error(function, e.status, e.message.c_str());
  } catch (const std::bad_alloc&) {
    return set_error(function, RAPPORT_NO_MEMORY, "out of memory");
  } catch (const rapport::Error& e) {
    return set_error(function, to_status(e.code()), e.what());
  } catch (const std::length_error& e) {
    return set_error(function, RAPPORT_NO_MEMORY, e.what());
  } catch (const std::exception& e) {
    return set_error(function, RAPPORT_INTERNAL, e.what());
  } catch (...) {
    return set_error(function, RAPPORT_INTERNAL, "unknown exception");
  }
}

// -------------------------------------------------------------------------------------- handles

/// The type tag carried in every handle's value. Values are arbitrary but fixed, so that a handle of
/// one type cast to another is recognised.
enum class HandleKind : std::uint8_t { org = 0xA1, scores = 0xA2 };
const char* handle_kind_name(HandleKind kind) noexcept;

/// What a handle refers to. Objects are shared: a call in flight keeps its object alive even if
/// another thread destroys the handle meanwhile.
struct Object {
  virtual ~Object() = default;
};

struct OrgObject final : Object {
  OrgObject() = default;
  explicit OrgObject(rapport::Organisation o) : org(std::move(o)) {}
  std::shared_mutex mutex;  ///< readers shared, writers exclusive
  rapport::Organisation org;
  rapport::score::BatchIndexCache batch_index;  ///< for the batch scores, while the relationships stay
};

/// Registers `object` and returns its handle value: (generation << 32) | (slot << 8) | kind. Handles
/// are never dereferenced; they are looked up in a slot table whose generations detect stale ones.
std::uintptr_t register_handle(HandleKind kind, std::shared_ptr<Object> object);
/// The live object of handle `h`; throws ApiError(RAPPORT_MISUSE) naming `arg` when `h` is NULL,
/// destroyed, of another kind or not a handle at all.
std::shared_ptr<Object> lookup_handle(std::uintptr_t h, HandleKind kind, const char* arg);
/// Unregisters `h` (the object dies with its last in-flight user). Misuse as lookup_handle.
std::shared_ptr<Object> unregister_handle(std::uintptr_t h, HandleKind kind, const char* arg);

template <class T>
std::uintptr_t handle_value(const T* p) noexcept {
  return reinterpret_cast<std::uintptr_t>(p);
}
template <class T>
T* handle_pointer(std::uintptr_t v) noexcept {
  return reinterpret_cast<T*>(v);
}

/// A reading view of an org: holds it alive and shared-locked for the call.
struct OrgRead {
  std::shared_ptr<OrgObject> object;
  std::shared_lock<std::shared_mutex> lock;
  const rapport::Organisation& org() const { return object->org; }
};
/// A writing view: exclusively locked.
struct OrgWrite {
  std::shared_ptr<OrgObject> object;
  std::unique_lock<std::shared_mutex> lock;
  rapport::Organisation& org() const { return object->org; }
};
OrgRead read_org(const rapport_org* org);
OrgWrite write_org(rapport_org* org);
/// Registers a new org object and returns its handle.
rapport_org* new_org_handle(rapport::Organisation org);

// ------------------------------------------------------------------------- library-owned memory

/// What a library-owned allocation is, so that each free function accepts only its own.
enum class AllocKind : std::uint8_t { string, bytes, ids, answers, doubles, statuses, records, text_answers };

/// malloc + registration; throws std::bad_alloc. Zero bytes yields nullptr (nothing registered).
void* owned_alloc(std::size_t bytes, AllocKind kind);
/// Frees an allocation made by owned_alloc; nullptr is fine. Throws ApiError(RAPPORT_MISUSE) when `p` is
/// not a live allocation of `kind` (double free, foreign pointer, wrong free function).
void owned_free(void* p, AllocKind kind, const char* arg);
/// Releases an allocation without reporting (cleanup after a later failure in the same call).
void owned_discard(void* p) noexcept;

char* owned_string(std::string_view s);
/// Fills `out` with a library-owned copy of `ids`.
template <class Range>
void fill_ids(rapport_id_array& out, const Range& ids) {
  std::size_t n = 0;
  for (auto it = std::begin(ids); it != std::end(ids); ++it) ++n;
  auto* p = static_cast<std::uint32_t*>(owned_alloc(n * sizeof(std::uint32_t), AllocKind::ids));
  std::size_t i = 0;
  for (const auto& id : ids) p[i++] = id.value;
  out.ids = p;
  out.len = n;
}
void fill_ids(rapport_id_array& out, const std::vector<std::uint32_t>& ids);

// ------------------------------------------------------------------------------ argument checks

/// The out parameter `p`, which must not be NULL.
template <class T>
T& need(T* p, const char* arg) {
  if (!p) fail(RAPPORT_MISUSE, std::string(arg) + " is NULL");
  return *p;
}
/// Resets an out parameter to its neutral value if it is not NULL (the first thing every call does).
template <class T, class V>
void reset(T* p, V neutral) noexcept {
  if (p) *p = neutral;
}

/// A required UTF-8 string argument (NULL is misuse).
std::string_view text(const char* s, const char* arg);
/// An optional UTF-8 string argument: NULL means "".
std::string_view opt_text(const char* s, const char* arg);

/// The value of an enum argument as the C caller passed it, read without loading it as the enum type:
/// C allows any int in an enum, C++ (an enum without a fixed underlying type) only the enumerators'
/// bit range, and UBSan's enum check rightly objects to such a load. So enum arguments are taken by
/// reference (never copied as the enum) and read as their bytes (rapport.h asserts enums are int-sized).
template <class C>
long long raw_enum(const C& v) noexcept {
  if constexpr (std::is_enum_v<C>) {
    static_assert(sizeof(C) == sizeof(std::int32_t));
    std::int32_t r;
    std::memcpy(&r, &v, sizeof r);
    return r;
  } else {
    return static_cast<long long>(v);
  }
}
/// An enum argument checked against its range before it is narrowed.
template <class E, class C>
E enum_arg(const C& arg, int count, const char* what) {
  long long v = raw_enum(arg);
  if (v < 0 || v >= count) fail(RAPPORT_INVALID_ARGUMENT, std::string("invalid ") + what + " " + std::to_string(v));
  return E(v);
}
/// A date argument: years 1-9999 (what rapport_date_from_ymd accepts).
rapport::Date date_arg(std::int32_t days, const char* what);
bool date_in_range(std::int32_t days) noexcept;
std::optional<int> score_arg(std::int32_t v, const char* what);
template <class Id>
std::optional<Id> opt_id(std::uint32_t v) {
  return v == RAPPORT_NO_ID ? std::nullopt : std::optional<Id>(Id{v});
}
template <class Id>
std::uint32_t id_out(const std::optional<Id>& id) {
  return id ? id->value : RAPPORT_NO_ID;
}
inline std::int32_t date_out(const std::optional<rapport::Date>& d) { return d ? d->days : RAPPORT_NO_DATE; }
inline std::int32_t score_out(const std::optional<int>& s) { return s ? *s : RAPPORT_NO_SCORE; }

}  // namespace rapport::capi
