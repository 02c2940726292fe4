// The C shim's foundations: version and features, status and last error, the handle registry,
// library-owned memory, dates, and the organisation handle's life cycle.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "capi_internal.hpp"
#include "rapport/version.hpp"

// The C header and the C++ core must agree on the version (both define the same macros; a mismatch
// is also a redefinition warning).
static_assert(RAPPORT_VERSION_NUMBER == RAPPORT_VERSION_MAJOR * 10000 + RAPPORT_VERSION_MINOR * 100 + RAPPORT_VERSION_PATCH);
static_assert(RAPPORT_ABI_VERSION == RAPPORT_VERSION_MAJOR, "while the major version is 0, the ABI version follows it");
static_assert(sizeof(void*) == 8, "handles pack a 32-bit generation, a 24-bit slot and an 8-bit tag into a pointer");
// The status values that mirror rapport::ErrorCode.
static_assert(RAPPORT_INVALID_ARGUMENT == int(rapport::ErrorCode::invalid_argument));
static_assert(RAPPORT_NOT_FOUND == int(rapport::ErrorCode::not_found));
static_assert(RAPPORT_DUPLICATE == int(rapport::ErrorCode::duplicate));
static_assert(RAPPORT_CONFLICT == int(rapport::ErrorCode::conflict));
static_assert(RAPPORT_IO == int(rapport::ErrorCode::io));
static_assert(RAPPORT_CORRUPT == int(rapport::ErrorCode::corrupt));
static_assert(RAPPORT_VERSION_TOO_NEW == int(rapport::ErrorCode::version_too_new));
static_assert(RAPPORT_NOT_AN_ARCHIVE == int(rapport::ErrorCode::not_an_archive));
static_assert(RAPPORT_NO_DATA == int(rapport::ErrorCode::no_data));
static_assert(RAPPORT_SUPPRESSED == int(rapport::ErrorCode::suppressed));

namespace rapport::capi {
namespace {

// ------------------------------------------------------------------------------------ last error

struct LastError {
  rapport_status code = RAPPORT_OK;
  char message[1024] = {0};
};
thread_local LastError last_error;

// ---------------------------------------------------------------------------------------- handles

constexpr std::uintptr_t kind_bits = 8, slot_bits = 24;
constexpr std::uint32_t slot_limit = 1u << slot_bits;

class Registry {
 public:
  std::uintptr_t add(HandleKind kind, std::shared_ptr<Object> object) {
    std::unique_lock lock(mutex_);
    std::uint32_t slot;
    if (free_head_ != none) {
      slot = free_head_;  // FIFO: a slot rests as long as possible before it is reused
      free_head_ = slots_[slot].next_free;
      if (free_head_ == none) free_tail_ = none;
    } else {
      if (slots_.size() >= slot_limit) throw std::bad_alloc();
      slots_.emplace_back();
      slot = std::uint32_t(slots_.size() - 1);
    }
    Slot& s = slots_[slot];
    s.kind = kind;
    s.object = std::move(object);
    return (std::uintptr_t(s.generation) << 32) | (std::uintptr_t(slot) << kind_bits) | std::uintptr_t(kind);
  }

  std::shared_ptr<Object> get(std::uintptr_t h, HandleKind kind, const char* arg) {
    auto [slot, generation] = decode(h, kind, arg);
    std::shared_lock lock(mutex_);
    return check(slot, generation, arg).object;
  }

  std::shared_ptr<Object> remove(std::uintptr_t h, HandleKind kind, const char* arg) {
    auto [slot, generation] = decode(h, kind, arg);
    std::unique_lock lock(mutex_);
    Slot& s = check(slot, generation, arg);
    auto object = std::move(s.object);
    s.object.reset();
    // A slot whose generation would wrap is retired, so a stale handle can never match again. The
    // free list runs through the slots themselves: destroying never allocates, so it cannot fail.
    if (++s.generation != 0xFFFFFFFFu) {
      s.next_free = none;
      if (free_tail_ == none) free_head_ = slot;
      else slots_[free_tail_].next_free = slot;
      free_tail_ = slot;
    }
    return object;
  }

 private:
  static constexpr std::uint32_t none = 0xFFFFFFFFu;
  struct Slot {
    std::uint32_t generation = 1;
    std::uint32_t next_free = none;  ///< the next slot of the free list
    HandleKind kind{};
    std::shared_ptr<Object> object;
  };

  static std::pair<std::uint32_t, std::uint32_t> decode(std::uintptr_t h, HandleKind kind, const char* arg) {
    if (h == 0) fail(RAPPORT_MISUSE, std::string(arg) + " is NULL");
    auto tag = std::uint8_t(h & 0xFF);
    if (tag != std::uint8_t(HandleKind::org) && tag != std::uint8_t(HandleKind::scores))
      fail(RAPPORT_MISUSE, std::string(arg) + " is not a rapport handle");
    if (tag != std::uint8_t(kind))
      fail(RAPPORT_MISUSE, std::string(arg) + " is a " + handle_kind_name(HandleKind(tag)) + " handle, not a " +
                               handle_kind_name(kind));
    return {std::uint32_t((h >> kind_bits) & (slot_limit - 1)), std::uint32_t(h >> 32)};
  }

  Slot& check(std::uint32_t slot, std::uint32_t generation, const char* arg) {
    if (slot >= slots_.size() || generation == 0 || generation > slots_[slot].generation)
      fail(RAPPORT_MISUSE, std::string(arg) + " is not a live rapport handle");
    Slot& s = slots_[slot];
    if (generation != s.generation || !s.object)
      fail(RAPPORT_MISUSE, std::string(arg) + " was already destroyed (stale handle)");
    return s;
  }

  std::shared_mutex mutex_;
  std::vector<Slot> slots_;
  std::uint32_t free_head_ = none, free_tail_ = none;  ///< destroyed slots, oldest first
};

// Never destroyed: calls from other threads or atexit handlers may outlive static destruction.
Registry& registry() {
  static Registry* r = new Registry;
  return *r;
}

// ---------------------------------------------------------------------------------- owned memory

class Allocations {
 public:
  void add(void* p, AllocKind kind) {
    std::lock_guard lock(mutex_);
    live_.emplace(p, kind);
  }
  bool remove(void* p, AllocKind kind) {
    std::lock_guard lock(mutex_);
    auto it = live_.find(p);
    if (it == live_.end() || it->second != kind) return false;
    live_.erase(it);
    return true;
  }
  void remove_any(void* p) noexcept {
    std::lock_guard lock(mutex_);
    live_.erase(p);
  }

 private:
  std::mutex mutex_;
  std::unordered_map<void*, AllocKind> live_;
};

Allocations& allocations() {
  static Allocations* a = new Allocations;
  return *a;
}

// ------------------------------------------------------------------------------------------ UTF-8

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) n = 1, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) n = 2, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) n = 3, cp = c & 0x07;
    else return false;
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    // No overlong forms, no surrogates, nothing past U+10FFFF.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    p += n + 1;
  }
  return true;
}

constexpr std::int32_t min_day =
    std::int32_t(std::chrono::sys_days{std::chrono::year{1} / 1 / 1}.time_since_epoch().count());
constexpr std::int32_t max_day =
    std::int32_t(std::chrono::sys_days{std::chrono::year{9999} / 12 / 31}.time_since_epoch().count());

}  // namespace

// ------------------------------------------------------------------------------- shared helpers

void fail(rapport_status status, std::string message) { throw ApiError{status, std::move(message)}; }

rapport_status set_error(const char* function, rapport_status status, const char* message) noexcept {
  last_error.code = status;
  std::snprintf(last_error.message, sizeof last_error.message, "%s: %s", function, message);
  return status;
}

void clear_error() noexcept {
  last_error.code = RAPPORT_OK;
  last_error.message[0] = '\0';
}

rapport_status to_status(rapport::ErrorCode code) noexcept {
  auto v = int(code);
  return v >= RAPPORT_INVALID_ARGUMENT && v <= RAPPORT_SUPPRESSED ? rapport_status(v) : RAPPORT_INTERNAL;
}

const char* handle_kind_name(HandleKind kind) noexcept {
  switch (kind) {
    case HandleKind::org: return "rapport_org";
    case HandleKind::scores: return "rapport_scores";
  }
  return "unknown";
}

std::uintptr_t register_handle(HandleKind kind, std::shared_ptr<Object> object) {
  return registry().add(kind, std::move(object));
}
std::shared_ptr<Object> lookup_handle(std::uintptr_t h, HandleKind kind, const char* arg) {
  return registry().get(h, kind, arg);
}
std::shared_ptr<Object> unregister_handle(std::uintptr_t h, HandleKind kind, const char* arg) {
  return registry().remove(h, kind, arg);
}

OrgRead read_org(const rapport_org* org) {
  auto object = std::static_pointer_cast<OrgObject>(lookup_handle(handle_value(org), HandleKind::org, "org"));
  std::shared_lock lock(object->mutex);
  return OrgRead{std::move(object), std::move(lock)};
}

OrgWrite write_org(rapport_org* org) {
  auto object = std::static_pointer_cast<OrgObject>(lookup_handle(handle_value(org), HandleKind::org, "org"));
  std::unique_lock lock(object->mutex);
  return OrgWrite{std::move(object), std::move(lock)};
}

rapport_org* new_org_handle(rapport::Organisation org) {
  return handle_pointer<rapport_org>(register_handle(HandleKind::org, std::make_shared<OrgObject>(std::move(org))));
}

void* owned_alloc(std::size_t bytes, AllocKind kind) {
  if (bytes == 0) return nullptr;
  void* p = std::malloc(bytes);
  if (!p) throw std::bad_alloc();
  try {
    allocations().add(p, kind);
  } catch (...) {
    std::free(p);
    throw;
  }
  return p;
}

void owned_free(void* p, AllocKind kind, const char* arg) {
  if (!p) return;
  if (!allocations().remove(p, kind))
    fail(RAPPORT_MISUSE, std::string(arg) + " was not returned by this function family or was already freed");
  std::free(p);
}

void owned_discard(void* p) noexcept {
  if (!p) return;
  allocations().remove_any(p);
  std::free(p);
}

char* owned_string(std::string_view s) {
  auto* p = static_cast<char*>(owned_alloc(s.size() + 1, AllocKind::string));
  if (!s.empty()) std::memcpy(p, s.data(), s.size());  // an empty view may hold NULL
  p[s.size()] = '\0';
  return p;
}

void fill_ids(rapport_id_array& out, const std::vector<std::uint32_t>& ids) {
  auto* p = static_cast<std::uint32_t*>(owned_alloc(ids.size() * sizeof(std::uint32_t), AllocKind::ids));
  if (!ids.empty()) std::memcpy(p, ids.data(), ids.size() * sizeof(std::uint32_t));
  out.ids = p;
  out.len = ids.size();
}

std::string_view text(const char* s, const char* arg) {
  if (!s) fail(RAPPORT_MISUSE, std::string(arg) + " is NULL");
  std::string_view v(s);
  if (!valid_utf8(v)) fail(RAPPORT_INVALID_ARGUMENT, std::string(arg) + " is not valid UTF-8");
  return v;
}

std::string_view opt_text(const char* s, const char* arg) { return s ? text(s, arg) : std::string_view(); }

bool date_in_range(std::int32_t days) noexcept { return days >= min_day && days <= max_day; }

rapport::Date date_arg(std::int32_t days, const char* what) {
  if (!date_in_range(days))
    fail(RAPPORT_INVALID_ARGUMENT, std::string(what) + " " + std::to_string(days) +
                                       " is not a date in the years 1-9999 (days since 1970-01-01)");
  return rapport::Date{days};
}

std::optional<int> score_arg(std::int32_t v, const char* what) {
  if (v == RAPPORT_NO_SCORE) return std::nullopt;
  if (v < 0 || v > 254) fail(RAPPORT_INVALID_ARGUMENT, std::string(what) + " " + std::to_string(v) + " is not a score");
  return v;
}

}  // namespace rapport::capi

using namespace rapport::capi;

extern "C" {

// --------------------------------------------------------------------------- version, features

RAPPORT_API const char* rapport_version(void) { return RAPPORT_VERSION_STRING; }
RAPPORT_API uint32_t rapport_version_number(void) { return RAPPORT_VERSION_NUMBER; }

RAPPORT_API uint32_t rapport_features(void) {
  return RAPPORT_FEATURE_THREADSAFE | RAPPORT_FEATURE_ARCHIVE | RAPPORT_FEATURE_SCORES;
}

// ---------------------------------------------------------------------------------- last error

RAPPORT_API rapport_status rapport_last_error_code(void) { return last_error.code; }
RAPPORT_API const char* rapport_last_error_message(void) { return last_error.message; }

RAPPORT_API const char* rapport_status_name(rapport_status status) {
  switch (raw_enum(status)) {
    case RAPPORT_OK: return "RAPPORT_OK";
    case RAPPORT_INVALID_ARGUMENT: return "RAPPORT_INVALID_ARGUMENT";
    case RAPPORT_NOT_FOUND: return "RAPPORT_NOT_FOUND";
    case RAPPORT_DUPLICATE: return "RAPPORT_DUPLICATE";
    case RAPPORT_CONFLICT: return "RAPPORT_CONFLICT";
    case RAPPORT_IO: return "RAPPORT_IO";
    case RAPPORT_CORRUPT: return "RAPPORT_CORRUPT";
    case RAPPORT_VERSION_TOO_NEW: return "RAPPORT_VERSION_TOO_NEW";
    case RAPPORT_NOT_AN_ARCHIVE: return "RAPPORT_NOT_AN_ARCHIVE";
    case RAPPORT_NO_DATA: return "RAPPORT_NO_DATA";
    case RAPPORT_SUPPRESSED: return "RAPPORT_SUPPRESSED";
    case RAPPORT_NO_MEMORY: return "RAPPORT_NO_MEMORY";
    case RAPPORT_MISUSE: return "RAPPORT_MISUSE";
    case RAPPORT_INTERNAL: return "RAPPORT_INTERNAL";
    case RAPPORT_UNSUPPORTED: return "RAPPORT_UNSUPPORTED";
  }
  return "RAPPORT_UNKNOWN_STATUS";
}

// --------------------------------------------------------------------------------------- dates

RAPPORT_API rapport_status rapport_date_from_ymd(int32_t year, int32_t month, int32_t day, int32_t* out_days) {
  return guarded(__func__, [&] {
    reset(out_days, 0);
    auto& out = need(out_days, "out_days");
    if (month < 1 || month > 12 || day < 1 || day > 31)
      fail(RAPPORT_INVALID_ARGUMENT, "impossible date " + std::to_string(year) + "-" + std::to_string(month) + "-" +
                                         std::to_string(day));
    out = rapport::Date::from_ymd(year, unsigned(month), unsigned(day)).days;
  });
}

RAPPORT_API rapport_status rapport_date_to_ymd(int32_t days, int32_t* out_year, int32_t* out_month, int32_t* out_day) {
  return guarded(__func__, [&] {
    reset(out_year, 0), reset(out_month, 0), reset(out_day, 0);
    auto &y = need(out_year, "out_year"), &m = need(out_month, "out_month"), &d = need(out_day, "out_day");
    auto ymd = date_arg(days, "days").ymd();
    y = int(ymd.year()), m = int(unsigned(ymd.month())), d = int(unsigned(ymd.day()));
  });
}

// ------------------------------------------------------------------------------ owned memory

RAPPORT_API rapport_status rapport_string_free(char* s) {
  return guarded(__func__, [&] { owned_free(s, AllocKind::string, "s"); });
}

RAPPORT_API rapport_status rapport_bytes_free(uint8_t* bytes) {
  return guarded(__func__, [&] { owned_free(bytes, AllocKind::bytes, "bytes"); });
}

RAPPORT_API rapport_status rapport_id_array_free(rapport_id_array* array) {
  return guarded(__func__, [&] {
    if (!array) return;
    owned_free(array->ids, AllocKind::ids, "array->ids");
    *array = rapport_id_array{nullptr, 0};
  });
}

// ------------------------------------------------------------------------------- organisation

RAPPORT_API rapport_status rapport_org_create(rapport_org** out_org) {
  return guarded(__func__, [&] {
    reset(out_org, nullptr);
    need(out_org, "out_org") = new_org_handle(rapport::Organisation());
  });
}

RAPPORT_API rapport_status rapport_org_destroy(rapport_org* org) {
  return guarded(__func__, [&] {
    if (!org) return;
    // The object dies here, or when the last call still running on it returns.
    unregister_handle(handle_value(org), HandleKind::org, "org");
  });
}

RAPPORT_API rapport_status rapport_org_clone(const rapport_org* org, rapport_org** out_org) {
  return guarded(__func__, [&] {
    reset(out_org, nullptr);
    auto& out = need(out_org, "out_org");
    auto r = read_org(org);
    rapport::Organisation copy = r.org();
    r.lock.unlock();
    out = new_org_handle(std::move(copy));
  });
}

RAPPORT_API rapport_status rapport_org_counts_get(const rapport_org* org, rapport_org_counts* out_counts) {
  return guarded(__func__, [&] {
    reset(out_counts, rapport_org_counts{});
    auto& out = need(out_counts, "out_counts");
    auto r = read_org(org);
    const auto& o = r.org();
    out = rapport_org_counts{o.units().size(),         o.relationships().size(), o.guides().size(),
                             o.conversations().size(), o.answer_count(),         o.agreements().size(),
                             o.complaints().size(),    o.referrals().size()};
  });
}

RAPPORT_API rapport_status rapport_org_compact(rapport_org* org) {
  return guarded(__func__, [&] { write_org(org).org().compact(); });
}

}  // extern "C"
