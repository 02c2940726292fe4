// libFuzzer target: a sequence of C API calls (include/rapport.h, docs/c-api.md) decoded from the input.
//
// Each step reads one byte that picks an operation from the table below; the operation reads its
// arguments from the following bytes. Ids come from small ranges (so they often name something), with
// now and then RAPPORT_NO_ID or an arbitrary 32-bit value; dates lie around 2025 or on the edges of the
// valid range; strings are a few fixed keys, "", invalid UTF-8, NULL or bytes from the input. Three
// organisation slots and two score slots hold live, destroyed (stale) or never-created handles.
//
// Checked on every call (a violation aborts, which libFuzzer reports as a crash):
//  - the status is a documented value, never RAPPORT_INTERNAL or RAPPORT_UNSUPPORTED;
//  - rapport_last_error_code() equals it and the message is "" exactly after a success;
//  - a NULL, destroyed or wrong-type handle, or a NULL required pointer, gives RAPPORT_MISUSE (a
//    destroyed handle may give RAPPORT_INVALID_ARGUMENT or RAPPORT_DUPLICATE when the other arguments
//    are wrong by themselves: those checks may come first);
//  - out parameters hold their neutral value after a failure;
//  - single scores agree with their result's status; every live organisation saves to bytes that load
//    again and save back to the same bytes (a mutator sequence must never build an organisation its own
//    loader refuses);
//  - no crash, no sanitizer report, and no leak: everything is freed at the end.
// Every function of the header is reached: the batches, SERVQUAL and free text included, and archives
// both as bytes and as files (one per process in /tmp, removed after each use).
#include <rapport.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <unistd.h>
#include <string>
#include <vector>

namespace {

// ------------------------------------------------------------------------------------- checking

[[noreturn]] void finding(const char* what, const char* call, int status = -1) {
  std::fprintf(stderr, "fuzz_capi: %s in %s (status %d %s; message \"%s\")\n", what, call, status,
               status >= 0 ? rapport_status_name(rapport_status(status)) : "", rapport_last_error_message());
  std::abort();
}

/// RAPPORT_FUZZ_TRACE=1 prints every call and its status (to see what an input does).
const bool trace = std::getenv("RAPPORT_FUZZ_TRACE") != nullptr;

rapport_status checked(rapport_status st, const char* call) {
  const int v = int(st);
  if (trace) std::fprintf(stderr, "  %-22s %.90s\n", rapport_status_name(st), call);
  if (v < RAPPORT_OK || v > RAPPORT_UNSUPPORTED) finding("undocumented status", call, v);
  if (st == RAPPORT_INTERNAL) finding("RAPPORT_INTERNAL (a bug by the header's own definition)", call, v);
  if (st == RAPPORT_UNSUPPORTED) finding("RAPPORT_UNSUPPORTED although the feature is built in", call, v);
  if (rapport_last_error_code() != st) finding("rapport_last_error_code() differs from the returned status", call, v);
  const char* m = rapport_last_error_message();
  if (!m) finding("rapport_last_error_message() is NULL", call, v);
  if ((st == RAPPORT_OK) != (*m == '\0')) finding("the message is empty exactly when the call failed", call, v);
  return st;
}
#define CALL(expr) checked((expr), #expr)
#define EXPECT(cond, call, st)                             \
  do {                                                     \
    if (!(cond)) finding("expectation failed: " #cond, call, int(st)); \
  } while (0)

// ---------------------------------------------------------------------------------- the input

class Input {
 public:
  Input(const std::uint8_t* p, std::size_t n) : p_(p), n_(n) {}
  bool empty() const { return n_ == 0; }
  std::uint8_t u8() {
    if (!n_) return 0;
    --n_;
    return *p_++;
  }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= std::uint32_t(u8()) << (8 * i);
    return v;
  }
  bool flag() { return u8() & 1; }

  /// An id: mostly 0-15, sometimes RAPPORT_NO_ID or any value.
  std::uint32_t id() {
    const std::uint8_t b = u8();
    if (b < 224) return b % 16;
    if (b < 244) return RAPPORT_NO_ID;
    if (b < 250) return 0x00FFFFFFu + (b & 3);
    return u32();
  }
  /// A date: mostly around 2025, sometimes at or beyond the edges of the years 1-9999.
  std::int32_t date() {
    const std::uint8_t b = u8();
    if (b < 208) return 20000 + 3 * std::int32_t(b);
    switch (b % 8) {
      case 0: return RAPPORT_NO_DATE;
      case 1: return -719162;   // 0001-01-01
      case 2: return -719163;   // the day before
      case 3: return 2932896;   // 9999-12-31
      case 4: return 2932897;   // the day after
      case 5: return INT32_MAX;
      case 6: return 0;
      default: return std::int32_t(u32());
    }
  }
  /// A score: mostly 0-12, sometimes none, negative or beyond any scale.
  std::int32_t score() {
    const std::uint8_t b = u8();
    if (b < 200) return b % 13;
    switch (b % 6) {
      case 0: return RAPPORT_NO_SCORE;
      case 1: return -1;
      case 2: return 254;
      case 3: return 256;
      case 4: return std::int32_t(u32());
      default: return b % 5;
    }
  }
  /// An enum value: mostly in range, sometimes one past either end or anything.
  int enumeration(int count) {
    const std::uint8_t b = u8();
    if (b < 224) return b % count;
    if (b < 236) return -1;
    if (b < 248) return count;
    return int(u32());
  }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
};

/// Strings that live until the end of the input.
class Strings {
 public:
  const char* pick(Input& in) {
    static const char* const fixed[] = {"a", "b", "c", "d", "e", "better", "goals", "en", "de", ""};
    const std::uint8_t b = in.u8();
    if (b < 200) return fixed[b % 10];
    if (b < 210) return nullptr;
    if (b < 220) return "\xff\xfe";       // invalid UTF-8
    if (b < 225) return "caf\xc3\xa9";    // valid UTF-8
    // Bytes from the input, NUL-terminated (may be invalid UTF-8, may be long).
    const std::size_t n = in.u8() % 48;
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
      char c = char(in.u8());
      if (c == '\0') c = 'x';
      s.push_back(c);
    }
    return keep_.emplace_back(std::move(s)).c_str();
  }
  const char* nonnull(Input& in) {
    const char* s = pick(in);
    return s ? s : "k";
  }

 private:
  std::deque<std::string> keep_;
};

// ----------------------------------------------------------------------------------- the state

enum class State { none, live, stale };

struct Slot {
  rapport_org* org = nullptr;
  State state = State::none;
};

struct ScoreSlot {
  rapport_scores* scores = nullptr;
  State state = State::none;
};

struct Session {
  Input in;
  Strings str;
  Slot orgs[3];
  ScoreSlot scores[2];
  rapport_org* dead_org = nullptr;  ///< some destroyed handle, for misuse calls

  Session(const std::uint8_t* p, std::size_t n) : in(p, n) {}

  Slot& pick_slot() { return orgs[in.u8() % 3]; }
  /// A handle for a call: the slot's (possibly stale or NULL) and whether MISUSE must follow.
  rapport_org* org(bool& misuse) {
    Slot& s = pick_slot();
    misuse = s.state != State::live;
    return s.org;
  }
  void adopt(rapport_org* o) {
    // Into a free slot, else replace (destroy) slot 2.
    for (auto& s : orgs)
      if (s.state != State::live) {
        s = {o, State::live};
        return;
      }
    destroy(orgs[2]);
    orgs[2] = {o, State::live};
  }
  void destroy(Slot& s) {
    const rapport_status st = CALL(rapport_org_destroy(s.org));
    if (s.state == State::live) {
      EXPECT(st == RAPPORT_OK, "rapport_org_destroy", st);
      s.state = State::stale;
      dead_org = s.org;
    } else if (s.org) {
      EXPECT(st == RAPPORT_MISUSE, "rapport_org_destroy (stale)", st);
    } else {
      EXPECT(st == RAPPORT_OK, "rapport_org_destroy (NULL)", st);
    }
  }
};

/// A call on a NULL or destroyed org handle must fail with RAPPORT_MISUSE. Argument checks that need
/// no organisation may run first and answer for the arguments instead: RAPPORT_INVALID_ARGUMENT (a bad
/// enum, date, filter or UTF-8 string) or RAPPORT_DUPLICATE (a question wording given twice in one
/// rapport_guide_add). Anything else, in particular success or an answer that needs the organisation
/// (not found, conflict, no data), is a finding.
void expect_handle(rapport_status st, bool misuse, const char* call) {
  if (misuse && st != RAPPORT_MISUSE && st != RAPPORT_INVALID_ARGUMENT && st != RAPPORT_DUPLICATE)
    finding("a NULL or destroyed org handle was not refused", call, st);
}

void free_ids(rapport_id_array& a) {
  CALL(rapport_id_array_free(&a));
  EXPECT(a.ids == nullptr && a.len == 0, "rapport_id_array_free", 0);
}
void free_string(char*& s) {
  const rapport_status st = CALL(rapport_string_free(s));
  EXPECT(st == RAPPORT_OK, "rapport_string_free", st);
  s = nullptr;
}
void free_records(rapport_contribution_list& r) {
  CALL(rapport_contribution_list_free(&r));
  EXPECT(r.items == nullptr && r.len == 0, "rapport_contribution_list_free", 0);
}

/// What a library-owned id array must look like after the call.
void check_ids(rapport_status st, const rapport_id_array& a, const char* call) {
  if (st != RAPPORT_OK && (a.ids || a.len)) finding("an id array is not empty after a failure", call, st);
  if ((a.len == 0) != (a.ids == nullptr)) finding("an id array's pointer and length disagree", call, st);
}

/// The status of a single score and its result struct must agree.
void check_score(rapport_status st, rapport_score_status s, const char* call) {
  if (st == RAPPORT_OK && s != RAPPORT_SCORE_OK) finding("OK with a result status that is not OK", call, st);
  if (st == RAPPORT_NO_DATA && s != RAPPORT_SCORE_NO_DATA) finding("NO_DATA with another result status", call, st);
  if (st == RAPPORT_SUPPRESSED && s != RAPPORT_SCORE_SUPPRESSED && s != RAPPORT_SCORE_SUPPRESSED_COMPLEMENTARY)
    finding("SUPPRESSED with another result status", call, st);
}
void check_finite(double v, const char* what) {
  if (!std::isfinite(v)) finding("a score value that is not finite", what);
}
void check_records(rapport_status st, const rapport_contribution_list& r, const char* call) {
  if (st != RAPPORT_OK && r.len) finding("records for a value that is not OK", call, st);
  for (std::size_t i = 0; i < r.len; ++i)
    if (!std::isfinite(r.items[i].value) || !std::isfinite(r.items[i].contribution))
      finding("a contribution that is not finite", call, st);
}

rapport_scope scope(Session& s) {
  rapport_scope sc{};
  sc.level = rapport_score_level(s.in.enumeration(5));
  sc.id = s.in.id();
  sc.side = rapport_side(s.in.enumeration(3));
  return sc;
}
/// NULL (the default) or a filter from the input.
const rapport_filter* filter(Session& s, rapport_filter& f) {
  const std::uint8_t b = s.in.u8();
  if (b < 96) return nullptr;
  f = RAPPORT_FILTER_INIT;
  if (b & 1) f.period = {s.in.date(), s.in.date()};
  if (b & 2) f.kinds = s.in.u8() & 0xFF;
  if (b & 4) f.bonds = s.in.u8() & 0x0F;
  if (b & 8) f.guide = s.in.id();
  return &f;
}
const rapport_privacy* privacy(Session& s, rapport_privacy& p) {
  const std::uint8_t b = s.in.u8();
  if (b < 96) return nullptr;
  p = RAPPORT_PRIVACY_INIT;
  p.min_group = 1 + s.in.u8() % 8;
  p.min_group_text = 1 + s.in.u8() % 12;
  p.complementary = (b & 1) ? 1 : int32_t(s.in.u8()) - 1;
  return &p;
}
rapport_period period(Session& s) { return {s.in.date(), s.in.date()}; }
/// The scope, filter and privacy most score calls take, read in that order.
struct ScoreArgs {
  rapport_scope sc;
  const rapport_filter* f;
  const rapport_privacy* p;
};
ScoreArgs score_args(Session& s, rapport_filter& fb, rapport_privacy& pb) {
  ScoreArgs a;
  a.sc = scope(s);
  a.f = filter(s, fb);
  a.p = privacy(s, pb);
  return a;
}

/// Every live organisation saves to bytes that load again and save back identically.
void check_round_trip(rapport_org* org) {
  std::uint8_t* bytes = nullptr;
  std::size_t len = 0;
  rapport_status st = CALL(rapport_org_save_to_bytes(org, &bytes, &len));
  if (st == RAPPORT_NO_MEMORY) return;
  EXPECT(st == RAPPORT_OK, "rapport_org_save_to_bytes", st);
  rapport_org* copy = nullptr;
  st = CALL(rapport_org_load_from_bytes(bytes, len, &copy));
  if (st != RAPPORT_OK) finding("an organisation built through the API does not load from its own bytes",
                                "rapport_org_load_from_bytes", st);
  std::uint8_t* again = nullptr;
  std::size_t len2 = 0;
  st = CALL(rapport_org_save_to_bytes(copy, &again, &len2));
  EXPECT(st == RAPPORT_OK, "rapport_org_save_to_bytes (copy)", st);
  if (len2 != len || std::memcmp(bytes, again, len) != 0)
    finding("a loaded organisation saves to other bytes", "rapport_org_save_to_bytes", st);
  rapport_org_counts a{}, b{};
  CALL(rapport_org_counts_get(org, &a));
  CALL(rapport_org_counts_get(copy, &b));
  if (std::memcmp(&a, &b, sizeof a) != 0) finding("counts differ after a round trip", "rapport_org_counts_get", 0);
  CALL(rapport_bytes_free(bytes));
  CALL(rapport_bytes_free(again));
  st = CALL(rapport_bytes_free(again));  // double free: refused, left alone
  EXPECT(st == RAPPORT_MISUSE, "rapport_bytes_free (double)", st);
  CALL(rapport_org_destroy(copy));
}

// ------------------------------------------------------------------------------- the operations

/// The archive file of the file save/load step: one per process, removed after each use.
const std::string& archive_path() {
  static const std::string p = "/tmp/rapport-fuzz-capi-" + std::to_string(long(getpid())) + ".rapport";
  return p;
}

void op_org(Session& s, std::uint8_t which) {
  switch (which % 7) {
    case 0: {  // create
      rapport_org* o = nullptr;
      const rapport_status st = CALL(rapport_org_create(&o));
      EXPECT(st == RAPPORT_OK && o, "rapport_org_create", st);
      s.adopt(o);
      break;
    }
    case 1:  // destroy (a second destroy of the same slot must be MISUSE)
      s.destroy(s.pick_slot());
      break;
    case 2: {  // clone
      bool misuse;
      rapport_org* src = s.org(misuse);
      rapport_org* o = reinterpret_cast<rapport_org*>(1);
      const rapport_status st = CALL(rapport_org_clone(src, &o));
      expect_handle(st, misuse, "rapport_org_clone");
      if (st == RAPPORT_OK) {
        rapport_org_counts a{}, b{};
        CALL(rapport_org_counts_get(src, &a));
        CALL(rapport_org_counts_get(o, &b));
        if (std::memcmp(&a, &b, sizeof a) != 0) finding("a clone has other counts", "rapport_org_clone", st);
        s.adopt(o);
      } else {
        EXPECT(o == nullptr, "rapport_org_clone (out reset)", st);
      }
      break;
    }
    case 3: {  // counts
      bool misuse;
      rapport_org* o = s.org(misuse);
      rapport_org_counts c{};
      expect_handle(CALL(rapport_org_counts_get(o, &c)), misuse, "rapport_org_counts_get");
      break;
    }
    case 4: {  // compact
      bool misuse;
      rapport_org* o = s.org(misuse);
      expect_handle(CALL(rapport_org_compact(o)), misuse, "rapport_org_compact");
      break;
    }
    case 5: {  // save to a file and load it back
      bool misuse;
      rapport_org* o = s.org(misuse);
      const char* path = s.in.u8() < 16 ? nullptr : archive_path().c_str();
      rapport_status st = CALL(rapport_org_save(o, path));
      expect_handle(st, misuse || !path, "rapport_org_save");
      if (st == RAPPORT_OK) {
        rapport_org* loaded = reinterpret_cast<rapport_org*>(1);
        st = CALL(rapport_org_load(path, &loaded));
        EXPECT(st == RAPPORT_OK, "rapport_org_load (own file)", st);
        rapport_org_counts a{}, b{};
        CALL(rapport_org_counts_get(o, &a));
        CALL(rapport_org_counts_get(loaded, &b));
        if (std::memcmp(&a, &b, sizeof a) != 0) finding("counts differ after a file round trip", "rapport_org_load", st);
        s.adopt(loaded);
      }
      std::remove(archive_path().c_str());
      break;
    }
    default: {  // save to bytes, then load them (whole, truncated or with one byte changed)
      bool misuse;
      rapport_org* o = s.org(misuse);
      std::uint8_t* bytes = reinterpret_cast<std::uint8_t*>(1);
      std::size_t len = 7;
      rapport_status st = CALL(rapport_org_save_to_bytes(o, &bytes, &len));
      expect_handle(st, misuse, "rapport_org_save_to_bytes");
      if (st != RAPPORT_OK) {
        EXPECT(bytes == nullptr && len == 0, "rapport_org_save_to_bytes (out reset)", st);
        break;
      }
      std::vector<std::uint8_t> copy(bytes, bytes + len);
      CALL(rapport_bytes_free(bytes));
      const std::uint8_t how = s.in.u8();
      if (how % 3 == 1 && !copy.empty()) copy.resize(s.in.u32() % copy.size());
      if (how % 3 == 2 && !copy.empty()) copy[s.in.u32() % copy.size()] ^= std::uint8_t(1u << (s.in.u8() % 8));
      rapport_org* loaded = reinterpret_cast<rapport_org*>(1);
      st = CALL(rapport_org_load_from_bytes(copy.empty() ? nullptr : copy.data(), copy.size(), &loaded));
      if (how % 3 == 0) EXPECT(st == RAPPORT_OK, "rapport_org_load_from_bytes (own bytes)", st);
      if (st == RAPPORT_OK)
        s.adopt(loaded);
      else
        EXPECT(loaded == nullptr && (st == RAPPORT_CORRUPT || st == RAPPORT_NOT_AN_ARCHIVE ||
                                     st == RAPPORT_VERSION_TOO_NEW),
               "rapport_org_load_from_bytes (damaged)", st);
      break;
    }
  }
}

void op_unit(Session& s, std::uint8_t which) {
  bool misuse;
  rapport_org* o = s.org(misuse);
  switch (which % 10) {
    case 0:
    case 1: {
      const char* key = s.str.pick(s.in);
      const char* name = s.str.pick(s.in);
      const int kind = s.in.enumeration(8);
      const auto parent = s.in.id(), payer = s.in.id();
      rapport_unit_id id = 12345;
      const rapport_status st = CALL(rapport_unit_add(o, key, name, rapport_unit_kind(kind), parent, payer, &id));
      expect_handle(st, misuse, "rapport_unit_add");
      if (!key) EXPECT(st == RAPPORT_MISUSE, "rapport_unit_add (NULL key)", st);
      EXPECT((st == RAPPORT_OK) == (id != RAPPORT_NO_ID), "rapport_unit_add (out id)", st);
      break;
    }
    case 2: {
      const auto id = s.in.id();
      const char* key = s.str.pick(s.in);
      const char* name = s.str.pick(s.in);
      const int kind = s.in.enumeration(8);
      const auto parent = s.in.id(), payer = s.in.id();
      const rapport_status st = CALL(rapport_unit_update(o, id, key, name, rapport_unit_kind(kind), parent, payer));
      expect_handle(st, misuse, "rapport_unit_update");
      break;
    }
    case 3:
      expect_handle(CALL(rapport_unit_remove(o, s.in.id())), misuse, "rapport_unit_remove");
      break;
    case 4: {
      rapport_unit_id id = 7;
      const rapport_status st = CALL(rapport_unit_find(o, s.str.pick(s.in), &id));
      expect_handle(st, misuse, "rapport_unit_find");
      EXPECT((st == RAPPORT_OK) == (id != RAPPORT_NO_ID), "rapport_unit_find (out id)", st);
      break;
    }
    case 5: {
      const auto id = s.in.id();
      rapport_unit_info info{};
      expect_handle(CALL(rapport_unit_get(o, id, &info)), misuse, "rapport_unit_get");
      char* k = reinterpret_cast<char*>(1);
      rapport_status st = CALL(rapport_unit_key(o, id, &k));
      expect_handle(st, misuse, "rapport_unit_key");
      EXPECT((st == RAPPORT_OK) == (k != nullptr), "rapport_unit_key (out)", st);
      if (k) free_string(k);
      char* n = nullptr;
      st = CALL(rapport_unit_name(o, id, &n));
      if (n) free_string(n);
      break;
    }
    case 6: {
      const auto id = s.in.id();
      rapport_id_array a{reinterpret_cast<std::uint32_t*>(8), 3};
      rapport_status st;
      switch (s.in.u8() % 4) {
        case 0: st = CALL(rapport_units_list(o, &a)); break;
        case 1: st = CALL(rapport_unit_children(o, id, &a)); break;
        case 2: st = CALL(rapport_unit_payer_chain(o, id, &a)); break;
        default: st = CALL(rapport_unit_relationships(o, id, &a)); break;
      }
      expect_handle(st, misuse, "rapport_unit_* list");
      check_ids(st, a, "rapport_unit_* list");
      free_ids(a);
      break;
    }
    case 7: {
      rapport_fishbone f{};
      const rapport_status st = CALL(rapport_unit_fishbone(o, s.in.id(), &f));
      expect_handle(st, misuse, "rapport_unit_fishbone");
      check_ids(st, f.input, "rapport_unit_fishbone"), check_ids(st, f.throughput, "rapport_unit_fishbone");
      check_ids(st, f.output, "rapport_unit_fishbone");
      CALL(rapport_fishbone_free(&f));
      EXPECT(!f.input.ids && !f.throughput.ids && !f.output.ids, "rapport_fishbone_free", 0);
      CALL(rapport_fishbone_free(&f));  // again: a no-op
      break;
    }
    default: {
      rapport_erasure_report r{};
      expect_handle(CALL(rapport_person_erase(o, s.in.id(), &r)), misuse, "rapport_person_erase");
      break;
    }
  }
}

void op_relationship(Session& s, std::uint8_t which) {
  bool misuse;
  rapport_org* o = s.org(misuse);
  switch (which % 6) {
    case 0:
    case 1: {
      const auto p = s.in.id(), r = s.in.id();
      const int bond = s.in.enumeration(3);
      rapport_relationship_id id = 3;
      const rapport_status st = CALL(rapport_relationship_add(o, p, r, rapport_bond(bond), s.str.pick(s.in), &id));
      expect_handle(st, misuse, "rapport_relationship_add");
      EXPECT((st == RAPPORT_OK) == (id != RAPPORT_NO_ID), "rapport_relationship_add (out id)", st);
      if (st == RAPPORT_OK) {
        rapport_relationship_id found = 0;
        const rapport_status f = CALL(rapport_relationship_find(o, p, r, rapport_bond(bond), &found));
        EXPECT(f == RAPPORT_OK && found == id, "rapport_relationship_find after add", f);
      }
      break;
    }
    case 2:
      expect_handle(CALL(rapport_relationship_update(o, s.in.id(), s.str.pick(s.in))), misuse,
                    "rapport_relationship_update");
      break;
    case 3:
      expect_handle(CALL(rapport_relationship_remove(o, s.in.id())), misuse, "rapport_relationship_remove");
      break;
    case 4: {
      const auto id = s.in.id();
      rapport_relationship_info info{};
      expect_handle(CALL(rapport_relationship_get(o, id, &info)), misuse, "rapport_relationship_get");
      char* label = nullptr;
      if (CALL(rapport_relationship_label(o, id, &label)) == RAPPORT_OK) free_string(label);
      rapport_relationship_id f = 0;
      CALL(rapport_relationship_find(o, s.in.id(), s.in.id(), rapport_bond(s.in.enumeration(3)), &f));
      break;
    }
    default: {
      rapport_id_array a{};
      const rapport_status st = (s.in.flag()) ? CALL(rapport_relationships_list(o, &a))
                                              : CALL(rapport_relationship_conversations(o, s.in.id(), &a));
      expect_handle(st, misuse, "rapport_relationship* list");
      check_ids(st, a, "rapport_relationship* list");
      free_ids(a);
      break;
    }
  }
}

void op_guide(Session& s, std::uint8_t which) {
  bool misuse;
  rapport_org* o = s.org(misuse);
  if (which % 3 == 0) {
    const char* key = s.str.pick(s.in);
    const char* title = s.str.pick(s.in);
    const int kind = s.in.enumeration(7);
    const std::int32_t lo = std::int32_t(s.in.u8()) - 2, hi = std::int32_t(s.in.u8()) + (s.in.flag() ? 0 : 2);
    rapport_question_text texts[6];
    const std::size_t n = s.in.u8() % 7;
    for (std::size_t i = 0; i < n; ++i) texts[i] = {s.str.pick(s.in), s.str.pick(s.in), s.str.pick(s.in)};
    rapport_guide_id id = 5;
    const rapport_status st =
        CALL(rapport_guide_add(o, key, title, rapport_conversation_kind(kind), lo, hi, n ? texts : nullptr, n, &id));
    expect_handle(st, misuse, "rapport_guide_add");
    EXPECT((st == RAPPORT_OK) == (id != RAPPORT_NO_ID), "rapport_guide_add (out id)", st);
    return;
  }
  if (which % 6 == 1) {
    const std::int32_t lo = std::int32_t(s.in.u8() % 4) - 1, hi = std::int32_t(s.in.u8() % 12);
    rapport_guide_id id = 5;
    const rapport_status st = CALL(rapport_guide_add_servqual(o, s.str.pick(s.in), lo, hi, &id));
    expect_handle(st, misuse, "rapport_guide_add_servqual");
    EXPECT((st == RAPPORT_OK) == (id != RAPPORT_NO_ID), "rapport_guide_add_servqual (out id)", st);
    return;
  }
  const auto id = s.in.id() % 8;
  rapport_guide_info info{};
  expect_handle(CALL(rapport_guide_get(o, id, &info)), misuse, "rapport_guide_get");
  rapport_guide_id g = 0;
  CALL(rapport_guide_find(o, s.str.pick(s.in), &g));
  char* t = nullptr;
  if (CALL(rapport_guide_key(o, id, &t)) == RAPPORT_OK) free_string(t);
  if (CALL(rapport_guide_title(o, id, &t)) == RAPPORT_OK) free_string(t);
  const std::uint32_t q = s.in.u8() % 8;
  if (CALL(rapport_guide_question_key(o, id, q, &t)) == RAPPORT_OK) free_string(t);
  if (CALL(rapport_guide_question_text(o, id, q, s.str.pick(s.in), &t)) == RAPPORT_OK) free_string(t);
  rapport_id_array a{};
  check_ids(CALL(rapport_guides_list(o, &a)), a, "rapport_guides_list");
  free_ids(a);
}

void op_conversation(Session& s, std::uint8_t which) {
  bool misuse;
  rapport_org* o = s.org(misuse);
  switch (which % 7) {
    case 0:
    case 1:
    case 2: {  // add or update, with answers
      const bool update = which % 7 == 2;
      const auto id = update ? s.in.id() : 0;
      const auto rel = s.in.id();
      const auto date = s.in.date();
      const int kind = s.in.enumeration(7);
      const auto guide = s.in.id() % 6;
      const auto score = s.in.score(), self = s.in.score();
      rapport_answer answers[4];
      const std::size_t n = s.in.u8() % 5;
      for (std::size_t i = 0; i < n; ++i) answers[i] = {s.str.pick(s.in), s.str.pick(s.in)};
      rapport_status st;
      if (update) {
        st = CALL(rapport_conversation_update(o, id, rel, date, rapport_conversation_kind(kind), guide, score, self,
                                              n ? answers : nullptr, n));
      } else {
        rapport_conversation_id out = 9;
        st = CALL(rapport_conversation_add(o, rel, date, rapport_conversation_kind(kind), guide, score, self,
                                           n ? answers : nullptr, n, &out));
        EXPECT((st == RAPPORT_OK) == (out != RAPPORT_NO_ID), "rapport_conversation_add (out id)", st);
      }
      expect_handle(st, misuse, "rapport_conversation_add/update");
      break;
    }
    case 3:
      expect_handle(CALL(rapport_conversation_remove(o, s.in.id())), misuse, "rapport_conversation_remove");
      break;
    case 4: {  // bulk
      const std::size_t n = s.in.u8() % 9;
      std::uint32_t rel[8], guide[8];
      std::int32_t date[8];
      std::uint8_t kind[8], score[8], self[8];
      for (std::size_t i = 0; i < n; ++i) {
        rel[i] = s.in.id(), date[i] = s.in.date(), kind[i] = std::uint8_t(s.in.enumeration(7));
        guide[i] = s.in.id() % 6, score[i] = std::uint8_t(s.in.score()), self[i] = std::uint8_t(s.in.score());
      }
      const std::uint8_t nulls = s.in.u8();
      rapport_conversation_id first = 4;
      const rapport_status st = CALL(rapport_conversations_add_bulk(
          o, n, (nulls & 1) ? nullptr : rel, (nulls & 2) ? nullptr : date, kind, guide, score,
          (nulls & 4) ? nullptr : self, &first));
      expect_handle(st, misuse, "rapport_conversations_add_bulk");
      if (n > 0 && (nulls & 3) && !misuse) EXPECT(st == RAPPORT_MISUSE, "rapport_conversations_add_bulk (NULL array)", st);
      if (st != RAPPORT_OK) EXPECT(first == RAPPORT_NO_ID, "rapport_conversations_add_bulk (out reset)", st);
      break;
    }
    case 5: {
      const auto id = s.in.id();
      rapport_conversation_info info{};
      expect_handle(CALL(rapport_conversation_get(o, id, &info)), misuse, "rapport_conversation_get");
      rapport_answer_list l{};
      if (CALL(rapport_conversation_answers(o, id, &l)) == RAPPORT_OK) {
        for (std::size_t i = 0; i < l.len; ++i)
          if (!l.items[i].question || !l.items[i].text) finding("an answer with a NULL string", "rapport_conversation_answers");
      }
      CALL(rapport_answer_list_free(&l));
      EXPECT(!l.items && !l.len, "rapport_answer_list_free", 0);
      rapport_id_array a{};
      check_ids(CALL(rapport_conversation_agreements(o, id, &a)), a, "rapport_conversation_agreements");
      free_ids(a);
      break;
    }
    default: {
      rapport_id_array a{};
      check_ids(CALL(rapport_conversations_list(o, &a)), a, "rapport_conversations_list");
      free_ids(a);
      break;
    }
  }
}

void op_records(Session& s, std::uint8_t which) {
  bool misuse;
  rapport_org* o = s.org(misuse);
  switch (which % 12) {
    case 0: {
      const auto c = s.in.id(), owner = s.in.id();
      const char* text = s.str.pick(s.in);
      rapport_agreement_id id = 1;
      const rapport_status st = CALL(rapport_agreement_add(o, c, owner, text, s.in.date(), &id));
      expect_handle(st, misuse, "rapport_agreement_add");
      EXPECT((st == RAPPORT_OK) == (id != RAPPORT_NO_ID), "rapport_agreement_add (out id)", st);
      break;
    }
    case 1: {
      const auto id = s.in.id();
      const int status = s.in.enumeration(4);
      expect_handle(CALL(rapport_agreement_close(o, id, rapport_agreement_status(status), s.in.date())), misuse,
                    "rapport_agreement_close");
      break;
    }
    case 2:
      expect_handle(CALL(rapport_agreement_remove(o, s.in.id())), misuse, "rapport_agreement_remove");
      break;
    case 3: {
      const auto id = s.in.id();
      rapport_agreement_info info{};
      expect_handle(CALL(rapport_agreement_get(o, id, &info)), misuse, "rapport_agreement_get");
      char* t = nullptr;
      if (CALL(rapport_agreement_text(o, id, &t)) == RAPPORT_OK) free_string(t);
      rapport_id_array a{};
      check_ids(CALL(rapport_agreements_list(o, &a)), a, "rapport_agreements_list");
      free_ids(a);
      break;
    }
    case 4: {
      const auto rel = s.in.id();
      const auto date = s.in.date();
      const int sev = s.in.enumeration(4);
      rapport_complaint_id id = 1;
      const rapport_status st = CALL(rapport_complaint_add(o, rel, date, rapport_severity(sev), s.str.pick(s.in), &id));
      expect_handle(st, misuse, "rapport_complaint_add");
      EXPECT((st == RAPPORT_OK) == (id != RAPPORT_NO_ID), "rapport_complaint_add (out id)", st);
      break;
    }
    case 5: {
      const auto id = s.in.id();
      const int stage = s.in.enumeration(5);
      const auto date = s.in.date();
      const int outcome = s.in.enumeration(4);
      expect_handle(CALL(rapport_complaint_advance(o, id, rapport_complaint_stage(stage), date,
                                                   rapport_complaint_outcome(outcome))),
                    misuse, "rapport_complaint_advance");
      break;
    }
    case 6:
      expect_handle(CALL(rapport_complaint_remove(o, s.in.id())), misuse, "rapport_complaint_remove");
      break;
    case 7: {
      const auto id = s.in.id();
      rapport_complaint_info info{};
      expect_handle(CALL(rapport_complaint_get(o, id, &info)), misuse, "rapport_complaint_get");
      char* t = nullptr;
      if (CALL(rapport_complaint_text(o, id, &t)) == RAPPORT_OK) free_string(t);
      rapport_id_array a{};
      check_ids(CALL(rapport_complaints_list(o, &a)), a, "rapport_complaints_list");
      free_ids(a);
      break;
    }
    case 8: {
      const auto rel = s.in.id();
      const auto date = s.in.date();
      const int target = s.in.enumeration(2);
      rapport_referral_id id = 1;
      const rapport_status st = CALL(rapport_referral_add(o, rel, date, rapport_referral_target(target), s.in.id(), &id));
      expect_handle(st, misuse, "rapport_referral_add");
      EXPECT((st == RAPPORT_OK) == (id != RAPPORT_NO_ID), "rapport_referral_add (out id)", st);
      break;
    }
    case 9: {
      const auto id = s.in.id();
      const int outcome = s.in.enumeration(3);
      expect_handle(CALL(rapport_referral_set_outcome(o, id, rapport_referral_outcome(outcome), s.in.date())), misuse,
                    "rapport_referral_set_outcome");
      break;
    }
    case 10:
      expect_handle(CALL(rapport_referral_remove(o, s.in.id())), misuse, "rapport_referral_remove");
      break;
    default: {
      rapport_referral_info info{};
      expect_handle(CALL(rapport_referral_get(o, s.in.id(), &info)), misuse, "rapport_referral_get");
      rapport_id_array a{};
      check_ids(CALL(rapport_referrals_list(o, &a)), a, "rapport_referrals_list");
      free_ids(a);
      break;
    }
  }
}

void op_score(Session& s, std::uint8_t which) {
  bool misuse;
  rapport_org* o = s.org(misuse);
  rapport_filter fb;
  rapport_privacy pb;
  rapport_contribution_list rec{};
  rapport_contribution_list* recp = s.in.flag() ? &rec : nullptr;
  rapport_status st = RAPPORT_OK;
  const char* call = "score";
  switch (which % 14) {
    case 12: {
      call = "rapport_score_servqual";
      const auto [sc, f, p] = score_args(s, fb, pb);
      rapport_servqual r{};
      rapport_contribution_list lists[RAPPORT_SERVQUAL_DIMENSIONS] = {};
      const bool explain = s.in.flag();
      st = CALL(rapport_score_servqual(o, &sc, f, p, rapport_servqual_mode(s.in.enumeration(2)), &r,
                                       explain ? lists : nullptr));
      check_score(st, r.status, call);
      check_finite(r.overall, call);
      for (int d = 0; d < RAPPORT_SERVQUAL_DIMENSIONS; ++d) {
        check_finite(r.dimensions[d].value, call);
        if (r.dimensions[d].status != RAPPORT_SCORE_OK && lists[d].len)
          finding("records for a SERVQUAL dimension that is not OK", call, st);
        free_records(lists[d]);
      }
      break;
    }
    case 13: {
      call = "rapport_score_free_text";
      const auto [sc, f, p] = score_args(s, fb, pb);
      rapport_free_text r{};
      rapport_text_answer_list answers{};
      st = CALL(rapport_score_free_text(o, &sc, s.str.pick(s.in), f, p, &r, &answers));
      if (st != RAPPORT_OK && answers.len) finding("free texts returned with a status other than OK", call, st);
      for (std::size_t i = 0; i < answers.len; ++i)
        if (!answers.items[i].text || !*answers.items[i].text) finding("an empty or NULL free text", call, st);
      CALL(rapport_text_answer_list_free(&answers));
      break;
    }
    case 0: {
      call = "rapport_score_satisfaction";
      const auto [sc, f, p] = score_args(s, fb, pb);
      std::int64_t dist[255];
      const std::size_t cap = s.in.flag() ? 255 : s.in.u8() % 12;
      rapport_satisfaction r{};
      st = CALL(rapport_score_satisfaction(o, &sc, f, p, &r, cap ? dist : nullptr, cap, recp));
      check_score(st, r.status, call);
      if (st == RAPPORT_OK) check_finite(r.mean, call), check_finite(r.sd, call), check_finite(r.mean_normalised, call);
      break;
    }
    case 1: {
      call = "rapport_score_nps";
      const auto [sc, f, p] = score_args(s, fb, pb);
      rapport_nps r{};
      st = CALL(rapport_score_nps(o, &sc, f, p, rapport_nps_preset(s.in.enumeration(2)), &r, recp));
      check_score(st, r.status, call);
      if (st == RAPPORT_OK) check_finite(r.nps, call), check_finite(r.se, call);
      break;
    }
    case 2: {
      call = "rapport_score_csat";
      const auto [sc, f, p] = score_args(s, fb, pb);
      rapport_csat r{};
      st = CALL(rapport_score_csat(o, &sc, f, p, rapport_csat_preset(s.in.enumeration(2)), &r, recp));
      check_score(st, r.status, call);
      if (st == RAPPORT_OK) check_finite(r.value, call), check_finite(r.value_normalised, call);
      break;
    }
    case 3: {
      call = "rapport_score_trend";
      const rapport_scope sc = scope(s);
      const rapport_period a = period(s), b = period(s);
      const rapport_filter* f = filter(s, fb);
      const rapport_privacy* p = privacy(s, pb);
      rapport_trend r{};
      st = CALL(rapport_score_trend(o, &sc, a, b, f, p, &r, recp));
      check_score(st, r.status, call);
      if (st == RAPPORT_OK) {
        check_finite(r.delta, call);
        if (r.has_se) check_finite(r.se, call);
      }
      break;
    }
    case 4: {
      call = "rapport_score_coverage";
      const rapport_scope sc = scope(s);
      const auto as_of = s.in.date();
      const std::uint32_t kinds = s.in.u8();
      rapport_coverage r{};
      rapport_id_array overdue{};
      st = CALL(rapport_score_coverage(o, &sc, as_of, kinds, &r, s.in.flag() ? &overdue : nullptr, recp));
      check_score(st, r.status, call);
      check_ids(st, overdue, call);
      free_ids(overdue);
      break;
    }
    case 5: {
      call = "rapport_score_reliability";
      const rapport_scope sc = scope(s);
      const rapport_period per = period(s);
      rapport_reliability r{};
      st = CALL(rapport_score_reliability(o, &sc, per, s.in.date(), &r, recp));
      check_score(st, r.status, call);
      if (st == RAPPORT_OK) check_finite(r.reliability, call), check_finite(r.on_time_share, call);
      break;
    }
    case 6: {
      call = "rapport_score_health";
      const rapport_scope sc = scope(s);
      const auto as_of = s.in.date();
      rapport_health_weights w = RAPPORT_HEALTH_WEIGHTS_INIT;
      const bool custom = s.in.flag();
      if (custom) {
        double* v[] = {&w.satisfaction, &w.trend, &w.reliability, &w.recency, &w.complaints};
        for (double* d : v) *d = double(std::int8_t(s.in.u8())) / 16.0;
      }
      const rapport_privacy* p = privacy(s, pb);
      rapport_health r{};
      st = CALL(rapport_score_health(o, &sc, as_of, custom ? &w : nullptr, p, &r));
      check_score(st, r.status, call);
      if (st == RAPPORT_OK) check_finite(r.health, call);
      break;
    }
    case 7: {
      call = "rapport_score_gap";
      const auto [sc, f, p] = score_args(s, fb, pb);
      rapport_gap r{};
      st = CALL(rapport_score_gap(o, &sc, f, p, &r, recp));
      check_score(st, r.status, call);
      if (st == RAPPORT_OK) check_finite(r.gap, call);
      break;
    }
    case 8: {
      call = "rapport_score_reciprocity";
      const auto a = s.in.id(), b = s.in.id();
      const rapport_filter* f = filter(s, fb);
      rapport_reciprocity r{};
      st = CALL(rapport_score_reciprocity(o, a, b, f, &r, recp));
      check_score(st, r.status, call);
      if (st == RAPPORT_OK) check_finite(r.difference, call);
      break;
    }
    case 9: {
      call = "rapport_score_local_optimiser";
      const auto u = s.in.id();
      const rapport_filter* f = filter(s, fb);
      rapport_local_optimiser_options opt = RAPPORT_LOCAL_OPTIMISER_OPTIONS_INIT;
      const bool custom = s.in.flag();
      if (custom) opt.min_index = double(std::int8_t(s.in.u8())), opt.exclude_payer_from_fabric = s.in.u8() % 3;
      const rapport_privacy* p = privacy(s, pb);
      rapport_local_optimiser r{};
      st = CALL(rapport_score_local_optimiser(o, u, f, custom ? &opt : nullptr, p, &r, recp));
      check_score(st, r.status, call);
      if (st == RAPPORT_OK) {
        check_finite(r.index, call);
        if (r.has_se) check_finite(r.se, call);
      }
      break;
    }
    case 10: {
      call = "rapport_score_retention";
      const auto e = s.in.id();
      const auto as_of = s.in.date();
      rapport_retention_weights w = RAPPORT_RETENTION_WEIGHTS_INIT;
      const bool custom = s.in.flag();
      if (custom) {
        double* v[] = {&w.satisfaction, &w.trend, &w.recency, &w.broken_agreements};
        for (double* d : v) *d = double(std::int8_t(s.in.u8())) / 16.0;
      }
      rapport_retention r{};
      st = CALL(rapport_score_retention(o, e, as_of, custom ? &w : nullptr, &r));
      check_score(st, r.status, call);
      if (st == RAPPORT_OK) check_finite(r.risk, call);
      break;
    }
    default: {
      call = "rapport_cost_of_loss_estimate";
      rapport_cost_of_loss r{};
      const double risk = double(std::int8_t(s.in.u8())) / 64.0, salary = double(std::int16_t(s.in.u32())) * 10.0;
      const rapport_status c = CALL(rapport_cost_of_loss_estimate(risk, salary, rapport_replacement_cost(s.in.enumeration(3)), &r));
      if (c == RAPPORT_OK) check_finite(r.expected_high, call);
      misuse = false;  // no handle
      st = RAPPORT_OK;
      break;
    }
  }
  expect_handle(st, misuse, call);
  check_records(st, rec, call);
  free_records(rec);
}

void op_batch(Session& s, std::uint8_t which) {
  ScoreSlot& slot = s.scores[s.in.u8() % 2];
  if (which % 3 == 2) {  // destroy (a stale one must be refused)
    const rapport_status st = CALL(rapport_scores_destroy(slot.scores));
    if (slot.state == State::live) {
      EXPECT(st == RAPPORT_OK, "rapport_scores_destroy", st);
      slot.state = State::stale;
    } else if (slot.scores) {
      EXPECT(st == RAPPORT_MISUSE, "rapport_scores_destroy (stale)", st);
    }
    return;
  }
  if (which % 3 == 0 || slot.state != State::live) {  // compute into the slot
    bool misuse;
    rapport_org* o = s.org(misuse);
    rapport_filter fb;
    const rapport_filter* f = filter(s, fb);
    rapport_batch_options opt = RAPPORT_BATCH_OPTIONS_INIT;
    const bool custom = s.in.flag();
    if (custom) {
      opt.role = rapport_role(s.in.enumeration(2));
      opt.scale_min = std::int32_t(s.in.u8() % 8) - 1;
      opt.scale_max = std::int32_t(s.in.u8() % 16);
      opt.preset = rapport_nps_preset(s.in.enumeration(2));
      opt.privacy.min_group = 1 + s.in.u8() % 8;
      opt.privacy.complementary = s.in.u8() % 3;
    }
    rapport_scores* out = reinterpret_cast<rapport_scores*>(1);
    rapport_status st;
    switch (s.in.u8() % 6) {
      case 0: st = CALL(rapport_score_units(o, f, custom ? &opt : nullptr, &out)); break;
      case 1: st = CALL(rapport_score_subtrees(o, f, custom ? &opt : nullptr, &out)); break;
      case 2: st = CALL(rapport_score_latest(o, f, &out)); break;
      case 3: {
        const std::int32_t first = 2020 + std::int32_t(s.in.u8() % 8) - 2, last = first + std::int32_t(s.in.u8() % 40) - 4;
        st = CALL(rapport_score_unit_years(o, first, last, f, custom ? &opt : nullptr, &out));
        break;
      }
      case 4: {
        rapport_privacy pb;
        const rapport_privacy* p = privacy(s, pb);
        st = CALL(rapport_score_local_optimisers(o, f, nullptr, p, &out));
        break;
      }
      default: st = CALL(rapport_score_relationships(o, f, custom ? &opt : nullptr, &out)); break;
    }
    expect_handle(st, misuse, "a batch score");
    if (st != RAPPORT_OK) {
      EXPECT(out == nullptr, "batch (out reset)", st);
      return;
    }
    if (slot.state == State::live) CALL(rapport_scores_destroy(slot.scores));
    slot = {out, State::live};
    // A scores handle is not an org handle.
    const rapport_status w = CALL(rapport_org_compact(reinterpret_cast<rapport_org*>(out)));
    EXPECT(w == RAPPORT_MISUSE, "rapport_org_compact (scores handle)", w);
  }
  // Read the slot (stale handles must be refused).
  const bool misuse = slot.state != State::live;
  rapport_scores_info info{};
  rapport_status st = CALL(rapport_scores_get_info(slot.scores, &info));
  if (misuse) EXPECT(st == RAPPORT_MISUSE, "rapport_scores_get_info (stale)", st);
  const int column = s.in.enumeration(12);
  const void* values = nullptr;
  std::size_t len = 0;
  rapport_column_type type{};
  st = CALL(rapport_scores_column(slot.scores, rapport_score_column(column), &values, &len, &type));
  if (misuse) EXPECT(st == RAPPORT_MISUSE, "rapport_scores_column (stale)", st);
  if (st == RAPPORT_OK) {
    EXPECT((len == 0) == (values == nullptr), "rapport_scores_column (empty)", st);
    static const std::size_t width[] = {1, 4, 8, 8};
    EXPECT(int(type) >= 0 && int(type) < 4, "rapport_scores_column (type)", st);
    volatile unsigned char sink = 0;
    const auto* b = static_cast<const unsigned char*>(values);
    for (std::size_t i = 0; i < len * width[type]; ++i) sink = sink ^ b[i];  // ASan checks the length
    if (column == RAPPORT_COLUMN_STATUS)
      for (std::size_t i = 0; i < len; ++i)
        if (b[i] > RAPPORT_SCORE_SUPPRESSED_COMPLEMENTARY) finding("a status column value out of range", "rapport_scores_column");
    std::vector<unsigned char> dst(len * width[type] + 1);
    std::size_t n = 0;
    const std::size_t cap = s.in.flag() ? dst.size() : s.in.u8() % (dst.size() + 1);
    st = CALL(rapport_scores_copy_column(slot.scores, rapport_score_column(column), dst.data(), cap, &n));
    EXPECT(n == len, "rapport_scores_copy_column (len)", st);
    EXPECT((st == RAPPORT_OK) == (cap >= len * width[type]), "rapport_scores_copy_column (capacity)", st);
  }
}

/// NULL required pointers, stale and wrong-type handles, and misused free functions.
void op_misuse(Session& s, std::uint8_t which) {
  bool misuse;
  rapport_org* o = s.org(misuse);
  rapport_status st;
  switch (which % 10) {
    case 0: st = CALL(rapport_unit_add(o, "k", nullptr, RAPPORT_UNIT_TEAM, RAPPORT_NO_ID, RAPPORT_NO_ID, nullptr)); break;
    case 1: st = CALL(rapport_org_counts_get(o, nullptr)); break;
    case 2: st = CALL(rapport_units_list(o, nullptr)); break;
    case 3: st = CALL(rapport_org_save_to_bytes(o, nullptr, nullptr)); break;
    case 4: st = CALL(rapport_score_satisfaction(o, nullptr, nullptr, nullptr, nullptr, nullptr, 0, nullptr)); break;
    case 5: st = CALL(rapport_org_load_from_bytes(nullptr, 40, nullptr)); break;
    case 6: st = CALL(rapport_unit_key(s.dead_org, 0, nullptr)); break;
    case 7: {  // garbage handles
      const std::uintptr_t v = std::uintptr_t(s.in.u32()) | (std::uintptr_t(s.in.u32()) << 32);
      rapport_org_counts c{};
      st = CALL(rapport_org_counts_get(reinterpret_cast<const rapport_org*>(v), &c));
      if (v == 0) EXPECT(st == RAPPORT_MISUSE, "rapport_org_counts_get (NULL)", st);
      break;
    }
    case 8: {  // free functions: foreign, NULL and double
      char local[8] = "abc";
      st = CALL(rapport_string_free(local));
      EXPECT(st == RAPPORT_MISUSE, "rapport_string_free (foreign)", st);
      EXPECT(CALL(rapport_string_free(nullptr)) == RAPPORT_OK, "rapport_string_free (NULL)", 0);
      EXPECT(CALL(rapport_id_array_free(nullptr)) == RAPPORT_OK, "rapport_id_array_free (NULL)", 0);
      rapport_id_array a{};
      if (CALL(rapport_units_list(o, &a)) == RAPPORT_OK && a.ids) {
        rapport_id_array b = a;  // a copy of the struct: the second free is a double free
        free_ids(a);
        st = CALL(rapport_id_array_free(&b));
        EXPECT(st == RAPPORT_MISUSE, "rapport_id_array_free (double)", st);
        // A library string freed with the wrong function.
      }
      char* k = nullptr;
      if (CALL(rapport_unit_key(o, s.in.id() % 4, &k)) == RAPPORT_OK) {
        st = CALL(rapport_bytes_free(reinterpret_cast<std::uint8_t*>(k)));
        EXPECT(st == RAPPORT_MISUSE, "rapport_bytes_free (a string)", st);
        free_string(k);
      }
      return;
    }
    default: {  // dates
      std::int32_t d = 5, y = 1, m = 1, day = 1;
      const std::int32_t yy = std::int32_t(s.in.u32() % 10002), mm = s.in.u8() % 14, dd = s.in.u8() % 33;
      st = CALL(rapport_date_from_ymd(yy, mm, dd, &d));
      if (st == RAPPORT_OK) {
        EXPECT(CALL(rapport_date_to_ymd(d, &y, &m, &day)) == RAPPORT_OK && y == yy && m == mm && day == dd,
               "rapport_date_to_ymd (round trip)", st);
      }
      st = CALL(rapport_date_to_ymd(s.in.date(), &y, &m, nullptr));
      EXPECT(st == RAPPORT_MISUSE, "rapport_date_to_ymd (NULL)", st);
      return;
    }
  }
  EXPECT(st == RAPPORT_MISUSE, "a call with a NULL required pointer", st);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Session s(data, size);
  {
    rapport_org* o = nullptr;
    const rapport_status st = CALL(rapport_org_create(&o));
    EXPECT(st == RAPPORT_OK, "rapport_org_create", st);
    s.orgs[0] = {o, State::live};
    rapport_org* dead = nullptr;
    CALL(rapport_org_create(&dead));
    CALL(rapport_org_destroy(dead));
    s.dead_org = dead;
  }
  for (int step = 0; step < 400 && !s.in.empty(); ++step) {
    const std::uint8_t op = s.in.u8();
    const std::uint8_t which = s.in.u8();
    switch (op % 16) {
      case 0: op_org(s, which); break;
      case 1: case 2: case 3: op_unit(s, which); break;
      case 4: case 5: op_relationship(s, which); break;
      case 6: op_guide(s, which); break;
      case 7: case 8: case 9: op_conversation(s, which); break;
      case 10: case 11: op_records(s, which); break;
      case 12: case 13: op_score(s, which); break;
      case 14: op_batch(s, which); break;
      default: op_misuse(s, which); break;
    }
  }
  for (auto& slot : s.orgs)
    if (slot.state == State::live) check_round_trip(slot.org);
  for (auto& slot : s.scores)
    if (slot.state == State::live) CALL(rapport_scores_destroy(slot.scores));
  for (auto& slot : s.orgs)
    if (slot.state == State::live) CALL(rapport_org_destroy(slot.org));
  return 0;
}
