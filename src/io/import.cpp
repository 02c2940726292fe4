// Import of a CSV folder into an Organisation (docs/csv-format.md).
//
// Small files (units, relationships, guides, answers, agreements, complaints, referrals) are read row by
// row into the Organisation's ordinary mutators. conversations.csv is the bulk: it is split at line ends
// into one chunk per thread, each chunk parsed into columns without allocating per field, the rows
// ordered by (relationship, date) with a radix sort, and inserted with one add_conversations call.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <numeric>
#include <queue>
#include <thread>
#include <unordered_map>

#include "buffer.hpp"
#include "csv_scan.hpp"
#include "fields.hpp"
#include "key_index.hpp"
#include "mapped_file.hpp"
#include "rapport/error.hpp"
#include "rapport/io/csv.hpp"

namespace rapport::io {
using namespace detail;

std::string to_string(const CsvIssue& i) {
  std::string s = i.file;
  if (i.line) s += ":" + std::to_string(i.line);
  s += ": ";
  if (!i.column.empty()) s += i.column + ": ";
  return s + i.reason;
}

namespace {

std::string quoted_key(std::string_view k) {
  std::string s = "'";
  s.append(k.substr(0, 200));
  if (k.size() > 200) s += "...";
  return s + "'";
}

/// Issues found so far, capped.
class Issues {
 public:
  explicit Issues(std::size_t max) : max_(max) {}
  void add(CsvIssue i) {
    ++count_;
    if (list_.size() < max_) list_.push_back(std::move(i));
  }
  void add_counted(std::uint64_t n) { count_ += n; }
  bool full() const { return list_.size() >= max_; }
  std::vector<CsvIssue>& list() { return list_; }
  std::uint64_t count() const { return count_; }

 private:
  std::vector<CsvIssue> list_;
  std::uint64_t count_ = 0;
  std::size_t max_;
};

/// Keeps strings alive at stable addresses, for keys looked up by string_view.
class Arena {
 public:
  const std::string& keep(std::string_view s) { return store_.emplace_back(s); }

 private:
  std::deque<std::string> store_;
};

struct ColumnSpec {
  std::string_view name;
  bool required = false;
};

/// A CSV file whose header has been read and checked.
struct CsvTable {
  std::string name;
  MappedFile file;
  std::string_view body;   ///< everything after the header row
  std::uint64_t body_line = 2;
  std::vector<std::string> header;

  /// The index of a column, or for an absent optional column a negative index below -1 that still
  /// names it in issues (-1 means the whole row).
  int col(std::string_view n) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == n) return int(i);
    absent.emplace_back(n);
    return -1 - int(absent.size());
  }
  int present(std::string_view n) const {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == n) return int(i);
    return -1;
  }
  std::string_view column_name(int c) const {
    if (c >= 0) return std::size_t(c) < header.size() ? std::string_view(header[std::size_t(c)]) : "";
    if (c <= -2 && std::size_t(-2 - c) < absent.size()) return absent[std::size_t(-2 - c)];
    return "";
  }
  std::vector<std::string> absent;  ///< names of optional columns the file does not have
  std::string record_text(const Record& r) const { return std::string(body.substr(r.offset, r.length)); }
};

/// One data row of a small file, with helpers to read fields and report problems.
class Row {
 public:
  Row(const CsvTable& t, const Record& r, Issues& issues) : t_(t), r_(r), issues_(issues) {}
  std::string_view operator[](int c) const { return c < 0 ? std::string_view() : r_.fields[std::size_t(c)]; }
  std::uint64_t line() const { return r_.line; }
  std::string record() const { return t_.record_text(r_); }
  std::size_t offset() const { return r_.offset; }
  std::size_t length() const { return r_.length; }
  /// A field as a view that outlives the row: into the file, or (when unescaped) into `arena`.
  std::string_view lasting(int c, Arena& arena) const {
    auto v = (*this)[c];
    if (!v.empty() && !r_.scratch.empty() && v.data() >= r_.scratch.data() && v.data() < r_.scratch.data() + r_.scratch.size())
      return arena.keep(v);
    return v;
  }
  bool bad() const { return bad_; }
  void fail(int c, std::string reason) {
    bad_ = true;
    issues_.add(CsvIssue{t_.name, r_.line, std::string(t_.column_name(c)), std::move(reason), t_.record_text(r_)});
  }
  /// A required field: present and not empty.
  std::string_view need(int c) {
    auto v = (*this)[c];
    if (v.empty()) fail(c, "required value is empty");
    return v;
  }
  /// Text that is stored: must be UTF-8.
  std::string text(int c) {
    auto v = (*this)[c];
    if (!valid_utf8(v)) {
      fail(c, "not valid UTF-8");
      return {};
    }
    return std::string(v);
  }
  std::optional<Date> date(int c, bool required) {
    auto v = (*this)[c];
    if (v.empty()) {
      if (required) fail(c, "required value is empty");
      return std::nullopt;
    }
    std::int32_t d;
    const char* why;
    if (!parse_date(v, d, why)) {
      fail(c, std::string(why) + ": " + quoted_key(v));
      return std::nullopt;
    }
    return Date{d};
  }
  template <class E>
  std::optional<E> name(int c, E (*parse)(std::string_view), std::optional<E> fallback) {
    auto v = (*this)[c];
    if (v.empty()) {
      if (!fallback) fail(c, "required value is empty");
      return fallback;
    }
    try {
      return parse(v);
    } catch (const Error& e) {
      fail(c, e.what());
      return std::nullopt;
    }
  }

 private:
  const CsvTable& t_;
  const Record& r_;
  Issues& issues_;
  bool bad_ = false;
};

/// The parsed rows of conversations.csv as columns, in file order. A bad row that carries a key stays
/// as a placeholder (kind 0xFF), so a reference to it can say that the row was rejected. Arrays are
/// left uninitialised: every slot that is read was written.
struct ConvRows {
  std::size_t n = 0;
  Buffer<std::uint32_t> rel, guide;
  Buffer<std::int32_t> date;
  Buffer<std::uint8_t> kind, score, self;
  Buffer<std::uint64_t> offset;   ///< of each row, from the start of the body
  Buffer<std::string_view> key;   ///< only with an id column
  Buffer<std::uint64_t> key_hash; ///< hash_key() of each key, only with an id column
  void allocate(std::size_t cap, bool keys) {
    // Filled by the parser threads: their page faults run in parallel.
    const bool huge = false, populate = false;
    rel.allocate(cap, huge, populate), guide.allocate(cap, huge, populate), date.allocate(cap, huge, populate);
    kind.allocate(cap, huge, populate), score.allocate(cap, huge, populate), self.allocate(cap, huge, populate);
    offset.allocate(cap, huge, populate);
    if (keys) key.allocate(cap, huge, populate), key_hash.allocate(cap, huge, populate);
  }
  void move_rows(std::size_t from, std::size_t to, std::size_t count) {
    auto mv = [&](auto& col) { std::memmove(&col[to], &col[from], count * sizeof col[0]); };
    mv(rel), mv(guide), mv(date), mv(kind), mv(score), mv(self), mv(offset);
    if (key) mv(key), mv(key_hash);
  }
};

/// Phase timings on stderr when RAPPORT_IMPORT_TIMING is set (for benchmarks/bench_import.sh).
struct PhaseTimer {
  bool on = std::getenv("RAPPORT_IMPORT_TIMING") != nullptr;
  std::chrono::steady_clock::time_point t = std::chrono::steady_clock::now();
  void lap(const char* what) {
    if (!on) return;
    auto now = std::chrono::steady_clock::now();
    std::fprintf(stderr, "  %-28s %7.3f s\n", what, std::chrono::duration<double>(now - t).count());
    t = now;
  }
};

std::size_t count_newlines(const char* p, const char* e) {
  std::size_t n = 0;
#if defined(__SSE2__)
  const __m128i lf = _mm_set1_epi8('\n');
  for (; e - p >= 16; p += 16)
    n += std::size_t(__builtin_popcount(unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), lf)))));
#endif
  for (; p < e; ++p) n += *p == '\n';
  return n;
}

constexpr std::uint32_t absent = 0xFFFFFFFFu;

class Importer {
 public:
  Importer(std::filesystem::path folder, const ImportOptions& o)
      : folder_(std::move(folder)), opt_(o), issues_(o.max_issues) {}

  ImportResult run();

 private:
  std::optional<CsvTable> open(std::string_view file, std::initializer_list<ColumnSpec> columns, bool required,
                               bool text_columns = false);
  FileStats& stats(std::string_view file);
  template <class F>
  void rows(const CsvTable& t, F&& f);
  void file_issue(std::string_view file, std::uint64_t line, std::string column, std::string reason) {
    issues_.add(CsvIssue{std::string(file), line, std::move(column), std::move(reason), {}});
  }
  void progress(std::string_view file, std::uint64_t add) {
    done_ += add;
    if (opt_.progress) opt_.progress(file, done_, total_);
  }

  void units();
  void relationships();
  void guides();
  void conversations();
  void answers();
  void agreements();
  void complaints();
  void referrals();

  std::optional<UnitId> unit_ref(Row& row, int c, bool required) {
    auto k = row[c];
    if (k.empty()) {
      if (required) row.fail(c, "required value is empty");
      return std::nullopt;
    }
    auto id = org_.find_unit(k);
    if (!id) row.fail(c, "unknown unit " + quoted_key(k) + rejected_hint(rejected_units_, k));
    return id;
  }
  std::optional<RelationshipId> relationship_ref(Row& row, int c) {
    auto k = row.need(c);
    if (k.empty()) return std::nullopt;
    auto v = relationship_keys_.find(k);
    if (v == KeyIndex::absent) {
      row.fail(c, "unknown relationship " + quoted_key(k) + rejected_hint(rejected_relationships_, k));
      return std::nullopt;
    }
    return RelationshipId{v};
  }
  /// The row of a conversation key, or `absent` (the row then has an issue).
  std::uint32_t conversation_ref(Row& row, int c) {
    auto k = row.need(c);
    if (k.empty()) return absent;
    auto v = conversation_keys_.find(k);
    if (v == KeyIndex::absent) {
      row.fail(c, "unknown conversation " + quoted_key(k) +
                      (conversation_key_column_ ? std::string() : std::string(" (conversations.csv has no id column)")));
      return absent;
    }
    if (conversation_ids_[v] == ConversationTable::no_row) {
      row.fail(c, "conversation " + quoted_key(k) + " was rejected");
      return absent;
    }
    return v;
  }
  static std::string rejected_hint(const std::unordered_map<std::string, std::uint64_t>& rejected, std::string_view k) {
    auto it = rejected.find(std::string(k));
    return it == rejected.end() ? std::string() : " (its row on line " + std::to_string(it->second) + " was rejected)";
  }

  std::filesystem::path folder_;
  ImportOptions opt_;
  Issues issues_;
  std::vector<FileStats> stats_;
  std::uint64_t total_ = 0, done_ = 0;
  Organisation org_;
  Arena arena_;
  KeyIndex relationship_keys_;
  // Conversation key -> index into the conversation columns below.
  RowKeyIndex conversation_keys_;
  std::vector<std::deque<std::string>> owned_keys_;            ///< unescaped keys, at stable addresses
  bool conversation_key_column_ = false;
  Buffer<std::uint32_t> conversation_ids_;  ///< by conversation row: its ConversationId, or no_row
  ConvRows conversation_rows_;
  std::unordered_map<std::string, std::uint64_t> rejected_units_, rejected_relationships_;
  std::unique_ptr<MappedFile> conversation_file_;  // conversation keys point into it until the end
};

FileStats& Importer::stats(std::string_view file) {
  for (auto& s : stats_)
    if (s.file == file) return s;
  return stats_.emplace_back(FileStats{std::string(file), 0, 0, 0});
}

std::optional<CsvTable> Importer::open(std::string_view file, std::initializer_list<ColumnSpec> columns,
                                       bool required, bool text_columns) {
  auto path = folder_ / std::string(file);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (required) file_issue(file, 0, "", "file is missing");
    return std::nullopt;
  }
  CsvTable t;
  t.name = std::string(file);
  t.file = MappedFile(path);
  std::string_view all = t.file.view();
  stats(file).bytes = all.size();
  if (all.substr(0, 3) == "\xEF\xBB\xBF") all.remove_prefix(3);  // a UTF-8 byte order mark
  Scanner sc(all.data(), all.data() + all.size(), 1);
  Record r;
  if (!sc.next(r) || r.line != 1) {
    file_issue(file, 1, "", "the header row is missing (the first line names the columns)");
    return std::nullopt;
  }
  if (r.error != SyntaxError::none) {
    file_issue(file, 1, "", std::string("header row: ") + describe(r.error));
    return std::nullopt;
  }
  bool ok = true;
  for (auto f : r.fields) {
    std::string name(f);
    if (name.empty()) {
      file_issue(file, 1, "", "a column without a name");
      ok = false;
      continue;
    }
    if (std::find(t.header.begin(), t.header.end(), name) != t.header.end()) {
      file_issue(file, 1, name, "column appears twice");
      ok = false;
    }
    bool known = name.rfind("x_", 0) == 0 ||
                 std::any_of(columns.begin(), columns.end(), [&](const ColumnSpec& c) { return c.name == name; }) ||
                 (text_columns && name.size() > 5 && name.rfind("text_", 0) == 0);
    if (!known) {
      std::string list;
      for (auto& c : columns) list += (list.empty() ? "" : ", ") + std::string(c.name);
      if (text_columns) list += ", text_<language>";
      file_issue(file, 1, name, "unknown column (expected: " + list + "; prefix a column with x_ to have it ignored)");
      ok = false;
    }
    t.header.push_back(std::move(name));
  }
  for (auto& c : columns)
    if (c.required && t.col(c.name) < 0) {
      file_issue(file, 1, std::string(c.name), "required column is missing");
      ok = false;
    }
  if (!ok) return std::nullopt;
  std::size_t at = std::size_t(sc.position() - all.data());
  t.body = all.substr(at);
  t.body_line = sc.line();
  return t;
}

template <class F>
void Importer::rows(const CsvTable& t, F&& f) {
  Scanner sc(t.body.data(), t.body.data() + t.body.size(), t.body_line);
  Record r;
  FileStats& st = stats(t.name);
  std::size_t last = 0;
  while (sc.next(r)) {
    ++st.rows;
    if (r.error != SyntaxError::none) {
      issues_.add(CsvIssue{t.name, r.line, std::string(t.column_name(int(r.error_field))), describe(r.error), t.record_text(r)});
      continue;
    }
    if (r.fields.size() != t.header.size()) {
      issues_.add(CsvIssue{t.name, r.line, "",
                           "wrong number of fields: the header has " + std::to_string(t.header.size()) + ", this row " +
                               std::to_string(r.fields.size()),
                           t.record_text(r)});
      continue;
    }
    Row row(t, r, issues_);
    if (f(row) && !row.bad()) ++st.imported;
    if (r.offset - last > (1u << 22)) progress(t.name, r.offset - last), last = r.offset;
  }
  progress(t.name, t.body.size() - last);
}

// ------------------------------------------------------------------------------------------ units

void Importer::units() {
  auto t = open("units.csv", {{"key", true}, {"name"}, {"kind", true}, {"parent"}, {"payer"}}, true);
  if (!t) return;
  int c_key = t->col("key"), c_name = t->col("name"), c_kind = t->col("kind"), c_parent = t->col("parent"),
      c_payer = t->col("payer");
  // A unit whose parent and payer are already known is created at once, in file order (the usual case:
  // parents come first). The others wait as views into the mapped file (a few dozen bytes each) and are
  // created afterwards, parents and payers first; what is left then lies on a cycle.
  struct Pending {
    std::string_view name, parent, payer;
    std::uint64_t offset = 0, line = 0;
    std::uint32_t length = 0;
    UnitKind kind{};
    std::uint8_t deps = 0;
    bool failed = false;
  };
  std::vector<Pending> pending;
  std::vector<std::string_view> keys;                         // of the pending rows
  std::unordered_map<std::string_view, std::uint32_t> waiting;  // pending key -> its first row
  std::vector<std::uint64_t> line_of;                          // by unit id: the line it came from
  FileStats& st = stats("units.csv");
  auto note_rejected = [&](std::string_view key, std::uint64_t line) {
    if (!key.empty() && rejected_units_.size() < 100000) rejected_units_.emplace(key, line);
  };
  rows(*t, [&](Row& row) {
    auto key = row.need(c_key);
    if (!valid_utf8(key)) row.fail(c_key, "not valid UTF-8");
    if (!valid_utf8(row[c_name])) row.fail(c_name, "not valid UTF-8");
    auto kind = row.name<UnitKind>(c_kind, parse_unit_kind, std::nullopt);
    if (row[c_parent] == key && !key.empty()) row.fail(c_parent, "a unit cannot be its own parent");
    if (row[c_payer] == key && !key.empty()) row.fail(c_payer, "a unit cannot be its own payer");
    if (!row.bad()) {
      if (auto first = org_.find_unit(key))
        row.fail(c_key, "duplicate key " + quoted_key(key) + " (first on line " + std::to_string(line_of[first->value]) + ")");
      else if (auto w = waiting.find(key); w != waiting.end())
        row.fail(c_key, "duplicate key " + quoted_key(key) + " (first on line " + std::to_string(pending[w->second].line) + ")");
    }
    if (row.bad()) {
      note_rejected(key, row.line());
      return false;
    }
    std::optional<UnitId> parent, payer;
    bool ready = true;
    if (!row[c_parent].empty()) ready &= bool(parent = org_.find_unit(row[c_parent]));
    if (!row[c_payer].empty()) ready &= bool(payer = org_.find_unit(row[c_payer]));
    if (ready) {
      try {
        UnitId id = org_.add_unit(UnitSpec{std::string(key), row.text(c_name), *kind, parent, payer});
        line_of.resize(std::max<std::size_t>(line_of.size(), id.value + 1));
        line_of[id.value] = row.line();
        return true;
      } catch (const Error& e) {
        row.fail(-1, e.what());
        note_rejected(key, row.line());
        return false;
      }
    }
    keys.push_back(row.lasting(c_key, arena_));
    waiting.emplace(keys.back(), std::uint32_t(pending.size()));
    pending.push_back(Pending{row.lasting(c_name, arena_), row.lasting(c_parent, arena_), row.lasting(c_payer, arena_),
                              row.offset(), row.line(), std::uint32_t(row.length()), *kind, 0, false});
    return false;  // counted when created
  });
  const std::size_t n = pending.size();
  if (n == 0) return;
  waiting.clear();
  auto fail = [&](std::size_t i, const char* column, std::string reason) {
    Pending& p = pending[i];
    p.failed = true;
    issues_.add(CsvIssue{"units.csv", p.line, column, std::move(reason), std::string(t->body.substr(p.offset, p.length))});
    note_rejected(keys[i], p.line);
  };
  RowKeyIndex index;
  index.build(keys);
  // Who waits for whom: an edge from a pending parent or payer to each unit that names it.
  constexpr std::uint32_t none = 0xFFFFFFFFu;
  std::vector<std::uint32_t> head(n, none), next, to;
  for (std::size_t i = 0; i < n; ++i) {
    Pending& p = pending[i];
    for (auto [ref, column] : {std::pair{p.parent, "parent"}, std::pair{p.payer, "payer"}}) {
      if (ref.empty() || p.failed || org_.find_unit(ref)) continue;
      auto j = index.find(ref);
      if (j == RowKeyIndex::absent) {
        fail(i, column, "unknown unit " + quoted_key(ref) + rejected_hint(rejected_units_, ref));
        continue;
      }
      ++p.deps;
      next.push_back(head[j]);
      to.push_back(std::uint32_t(i));
      head[j] = std::uint32_t(next.size() - 1);
    }
  }
  // Kahn's algorithm, lowest row first, so units keep the file's order wherever they can.
  std::priority_queue<std::uint32_t, std::vector<std::uint32_t>, std::greater<>> ready;
  for (std::size_t i = 0; i < n; ++i)
    if (pending[i].deps == 0) ready.push(std::uint32_t(i));
  std::size_t done = 0;
  while (!ready.empty()) {
    std::uint32_t i = ready.top();
    ready.pop();
    ++done;
    Pending& p = pending[i];
    if (!p.failed) {
      auto resolve = [&](std::string_view k, const char* column) -> std::optional<UnitId> {
        if (k.empty()) return std::nullopt;
        auto id = org_.find_unit(k);
        if (!id && !p.failed) fail(i, column, "unit " + quoted_key(k) + " was rejected" + rejected_hint(rejected_units_, k));
        return id;
      };
      UnitSpec spec;
      spec.parent = resolve(p.parent, "parent");
      spec.payer = resolve(p.payer, "payer");
      if (!p.failed) {
        spec.key = std::string(keys[i]);
        spec.name = std::string(p.name);
        spec.kind = p.kind;
        try {
          org_.add_unit(std::move(spec));
          ++st.imported;
        } catch (const Error& e) {
          fail(i, "", e.what());
        }
      }
    }
    for (auto e = head[i]; e != none; e = next[e])
      if (--pending[to[e]].deps == 0) ready.push(to[e]);
  }
  if (done < n)
    for (std::size_t i = 0; i < n; ++i)
      if (pending[i].deps > 0 && !pending[i].failed)
        fail(i, "parent", "parent/payer cycle: this unit is (indirectly) its own parent or payer");
}

// ---------------------------------------------------------------------------------- relationships

void Importer::relationships() {
  auto t = open("relationships.csv", {{"key", true}, {"provider", true}, {"recipient", true}, {"bond", true}, {"label"}}, false);
  if (!t) return;
  int c_key = t->col("key"), c_provider = t->col("provider"), c_recipient = t->col("recipient"), c_bond = t->col("bond"),
      c_label = t->col("label");
  std::unordered_map<std::string, std::uint64_t> lines;
  rows(*t, [&](Row& row) {
    auto key = row.need(c_key);
    if (!key.empty() && relationship_keys_.find(key) != KeyIndex::absent)
      row.fail(c_key, "duplicate key " + quoted_key(key) + " (first on line " + std::to_string(lines[std::string(key)]) + ")");
    auto provider = unit_ref(row, c_provider, true);
    auto recipient = unit_ref(row, c_recipient, true);
    auto bond = row.name<Bond>(c_bond, parse_bond, std::nullopt);
    std::string label = row.text(c_label);
    if (!row.bad()) {
      try {
        auto id = org_.add_relationship(RelationshipSpec{*provider, *recipient, *bond, std::move(label)});
        const std::string& k = arena_.keep(key);
        relationship_keys_.insert(k, id.value);
        lines.emplace(std::string(key), row.line());
        return true;
      } catch (const Error& e) {
        row.fail(-1, e.what());
      }
    }
    if (!key.empty() && relationship_keys_.find(key) == KeyIndex::absent) rejected_relationships_.emplace(key, row.line());
    return false;
  });
}

// ----------------------------------------------------------------------------------------- guides

void Importer::guides() {
  auto t = open("guides.csv",
                {{"guide", true}, {"title"}, {"kind"}, {"scale_min"}, {"scale_max"}, {"question"}}, false, true);
  if (!t) return;
  int c_guide = t->col("guide"), c_title = t->col("title"), c_kind = t->col("kind"), c_min = t->col("scale_min"),
      c_max = t->col("scale_max"), c_question = t->col("question");
  std::vector<std::pair<int, std::string>> languages;
  for (std::size_t i = 0; i < t->header.size(); ++i)
    if (t->header[i].rfind("text_", 0) == 0) languages.emplace_back(int(i), t->header[i].substr(5));
  struct Pending {
    GuideSpec spec;
    std::uint64_t line;
    std::vector<std::uint64_t> lines;
    bool failed = false;
    bool has_kind = false, has_scale = false;
  };
  std::vector<Pending> pending;
  std::unordered_map<std::string, std::size_t> by_key;
  rows(*t, [&](Row& row) {
    auto key = row.need(c_guide);
    if (key.empty()) return false;
    auto it = by_key.find(std::string(key));
    bool first = it == by_key.end();
    if (first) {
      if (org_.find_guide(key)) {
        row.fail(c_guide, "guide " + quoted_key(key) + " is built in and cannot be redefined");
        return false;
      }
      it = by_key.emplace(std::string(key), pending.size()).first;
      pending.push_back(Pending{});
      pending.back().spec.key = std::string(key);
      pending.back().line = row.line();
    }
    Pending& g = pending[it->second];
    g.lines.push_back(row.line());
    auto agree = [&](int c, const std::string& now, bool set) {
      if (!set || row[c].empty() || row[c] == now) return true;
      row.fail(c, "differs from the guide's first row (line " + std::to_string(g.line) + ")");
      return false;
    };
    if (!row[c_title].empty()) {
      if (g.spec.title.empty()) g.spec.title = row.text(c_title);
      else agree(c_title, g.spec.title, true);
    }
    if (!row[c_kind].empty()) {
      auto k = row.name<ConversationKind>(c_kind, parse_conversation_kind, std::nullopt);
      if (k && g.has_kind && *k != g.spec.kind) row.fail(c_kind, "differs from the guide's first row (line " + std::to_string(g.line) + ")");
      else if (k) g.spec.kind = *k, g.has_kind = true;
    }
    for (auto [c, target] : {std::pair{c_min, &g.spec.scale.min}, std::pair{c_max, &g.spec.scale.max}}) {
      if (row[c].empty()) continue;
      std::uint32_t v;
      if (!parse_uint(row[c], v) || v > 254) row.fail(c, "not an integer from 0 to 254: " + quoted_key(row[c]));
      else if (g.has_scale && *target != v) row.fail(c, "differs from the guide's first row (line " + std::to_string(g.line) + ")");
      else *target = std::uint8_t(v);
    }
    if (!row[c_min].empty() || !row[c_max].empty()) g.has_scale = true;
    if (!row[c_question].empty()) {
      Question q;
      q.key = row.text(c_question);
      for (auto& [c, lang] : languages)
        if (!row[c].empty()) q.text[lang] = row.text(c);
      for (auto& existing : g.spec.questions)
        if (existing.key == q.key) row.fail(c_question, "question " + quoted_key(q.key) + " appears twice in this guide");
      if (!row.bad()) g.spec.questions.push_back(std::move(q));
    }
    if (row.bad()) g.failed = true;
    return !row.bad();
  });
  for (auto& g : pending) {
    if (g.failed) continue;
    if (!g.has_kind) {
      file_issue("guides.csv", g.line, "kind", "guide " + quoted_key(g.spec.key) + " has no kind");
      continue;
    }
    if (g.spec.title.empty()) g.spec.title = g.spec.key;
    try {
      org_.add_guide(g.spec);
    } catch (const Error& e) {
      file_issue("guides.csv", g.line, "", e.what());
    }
  }
}

// ---------------------------------------------------------------------------------- conversations

/// Fast name lookup for the conversation kinds.
int parse_kind_fast(std::string_view s) {
  switch (s.size()) {
    case 6: return same_key(s, "ad_hoc") ? 6 : -1;
    case 9: return same_key(s, "complaint") ? 4 : same_key(s, "retention") ? 3 : -1;
    case 15: return same_key(s, "customer_review") ? 0 : same_key(s, "employee_review") ? 2 : -1;
    case 16: return same_key(s, "referral_request") ? 5 : -1;
    case 18: return same_key(s, "cooperation_review") ? 1 : -1;
    default: return -1;
  }
}

GuideId default_guide(ConversationKind k) {
  switch (k) {
    case ConversationKind::cooperation_review: return cooperation_review_guide;
    case ConversationKind::employee_review:
    case ConversationKind::retention: return employee_review_guide;
    default: return customer_review_guide;
  }
}

/// One thread's share of conversations.csv: it writes rows [start, start + count) of ConvRows.
struct ConvChunk {
  const char* begin = nullptr;
  const char* end = nullptr;
  std::size_t newlines = 0, start = 0, count = 0;
  std::deque<std::string> owned;       ///< keys that had to be unescaped
  std::vector<CsvIssue> issues;        ///< lines relative to the chunk start
  std::uint64_t issue_count = 0, rows = 0, lines = 0;
};

struct ConvColumns {
  int key = -1, rel = -1, date = -1, kind = -1, guide = -1, score = -1, self = -1;
  std::size_t width = 0;
};

struct GuideTable {
  std::vector<Scale> scale;      ///< by guide id
  std::vector<std::string> key;  ///< by guide id
  KeyIndex by_key;
};

/// Runs f(0) .. f(n-1), f(0) on the calling thread and the others on threads of their own.
template <class F>
void run_parallel(std::size_t n, F&& f) {
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < n; ++i) pool.emplace_back([&f, i] { f(i); });
  if (n) f(0);
  for (auto& t : pool) t.join();
}

void parse_chunk(ConvChunk& ch, ConvRows& out, const CsvTable& t, const ConvColumns& c, const KeyIndex& rels,
                 const GuideTable& guides, std::size_t max_issues, std::atomic<std::uint64_t>& progress) {
  Scanner sc(ch.begin, ch.end, 0);
  // Two records in flight: while one row is scanned, the slot its relationship key will need is
  // already being fetched, and the previous row is validated and stored.
  Record recs[2];
  const Record* cur = &recs[0];
  const std::size_t base = std::size_t(ch.begin - t.body.data());
  std::string_view last_rel_key;
  std::uint32_t last_rel = 0;
  std::size_t reported = 0;
  std::size_t at = ch.start;
  auto fail = [&](int col, std::string reason) {
    ++ch.issue_count;
    if (ch.issues.size() < max_issues)
      ch.issues.push_back(CsvIssue{t.name, cur->line, std::string(t.column_name(col)), std::move(reason),
                                   std::string(t.body.substr(base + cur->offset, cur->length))});
  };
  auto process = [&](const Record& r, std::uint64_t rel_hash) {
    cur = &r;
    if (r.error != SyntaxError::none) {
      fail(int(r.error_field), describe(r.error));
      return;
    }
    if (r.fields.size() != c.width) {
      fail(-1, "wrong number of fields: the header has " + std::to_string(c.width) + ", this row " +
                   std::to_string(r.fields.size()));
      return;
    }
    const auto& f = r.fields;
    bool bad = false;
    // relationship (a CRM export often repeats one relationship in a run of rows)
    std::uint32_t rel = 0;
    std::string_view rk = f[std::size_t(c.rel)];
    if (!rk.empty() && same_key(rk, last_rel_key)) {
      rel = last_rel;
    } else if (rk.empty()) {
      fail(c.rel, "required value is empty"), bad = true;
    } else {
      rel = rels.find(rk, rel_hash);
      if (rel == KeyIndex::absent) {
        fail(c.rel, "unknown relationship " + quoted_key(rk)), bad = true;
      } else if (r.scratch.empty()) {
        last_rel_key = rk, last_rel = rel;
      }
    }
    // date
    std::int32_t date = 0;
    const char* why;
    std::string_view dv = f[std::size_t(c.date)];
    if (dv.empty()) fail(c.date, "required value is empty"), bad = true;
    else if (!parse_date(dv, date, why)) fail(c.date, std::string(why) + ": " + quoted_key(dv)), bad = true;
    // kind
    int kind = parse_kind_fast(f[std::size_t(c.kind)]);
    if (kind < 0) {
      if (f[std::size_t(c.kind)].empty()) fail(c.kind, "required value is empty");
      else
        fail(c.kind, "unknown conversation kind " + quoted_key(f[std::size_t(c.kind)]) +
                         " (expected one of: customer_review, cooperation_review, employee_review, retention, "
                         "complaint, referral_request, ad_hoc)");
      bad = true;
    }
    // guide: named, or the kind's built-in one
    std::uint32_t guide = kind >= 0 ? default_guide(ConversationKind(kind)).value : 0;
    bool guide_ok = kind >= 0;
    if (c.guide >= 0 && !f[std::size_t(c.guide)].empty()) {
      guide = guides.by_key.find(f[std::size_t(c.guide)]);
      guide_ok = guide != KeyIndex::absent;
      if (!guide_ok) fail(c.guide, "unknown guide " + quoted_key(f[std::size_t(c.guide)])), bad = true;
    }
    // score and self-assessment on the guide's scale
    std::uint8_t scores[2] = {ConversationTable::no_score, ConversationTable::no_score};
    int cols[2] = {c.score, c.self};
    for (int i = 0; i < 2; ++i) {
      if (cols[i] < 0) continue;
      std::string_view v = f[std::size_t(cols[i])];
      if (v.empty()) continue;
      std::uint32_t x;
      if (!parse_uint(v, x)) {
        fail(cols[i], "not a whole number: " + quoted_key(v)), bad = true;
      } else if (guide_ok && !guides.scale[guide].contains(int(std::min<std::uint32_t>(x, 1000)))) {
        fail(cols[i], std::to_string(x) + " is outside the scale " + std::to_string(guides.scale[guide].min) + "-" +
                          std::to_string(guides.scale[guide].max) + " of guide '" + guides.key[guide] + "'"),
            bad = true;
      } else {
        scores[i] = std::uint8_t(x);
      }
    }
    std::string_view key;
    if (c.key >= 0) {
      key = f[std::size_t(c.key)];
      if (!key.empty() && !r.scratch.empty() && key.data() >= r.scratch.data() &&
          key.data() < r.scratch.data() + r.scratch.size())
        key = ch.owned.emplace_back(key);
    }
    if (bad && key.empty()) return;
    out.rel[at] = rel;
    out.date[at] = date;
    out.kind[at] = bad ? 0xFF : std::uint8_t(kind);
    out.guide[at] = guide;
    out.score[at] = scores[0];
    out.self[at] = scores[1];
    out.offset[at] = base + r.offset;
    if (c.key >= 0) out.key[at] = key, out.key_hash[at] = hash_key(key);
    ++at;
  };
  int k = 0;
  bool pending = false;
  std::uint64_t pending_hash = 0;
  while (sc.next(recs[k])) {
    ++ch.rows;
    if ((ch.rows & 0xFFFF) == 0) {
      progress.fetch_add(std::size_t(sc.position() - ch.begin) - reported, std::memory_order_relaxed);
      reported = std::size_t(sc.position() - ch.begin);
    }
    std::uint64_t h = 0;
    const Record& now = recs[k];
    if (now.error == SyntaxError::none && now.fields.size() == c.width) {
      std::string_view rk = now.fields[std::size_t(c.rel)];
      if (!rk.empty()) h = hash_key(rk), rels.prefetch(h);
    }
    if (pending) process(recs[1 - k], pending_hash);
    pending = true, pending_hash = h;
    k = 1 - k;
  }
  if (pending) process(recs[1 - k], pending_hash);
  ch.count = at - ch.start;
  ch.lines = sc.line();
  progress.fetch_add(std::size_t(ch.end - ch.begin) - reported, std::memory_order_relaxed);
}

/// Stable LSD radix sort of row indices by a 64-bit key of `bits` significant bits.
std::vector<std::uint32_t> radix_order(std::vector<std::uint64_t> keys, int bits) {
  const std::size_t n = keys.size();
  std::vector<std::uint32_t> idx(n), idx2(n);
  std::iota(idx.begin(), idx.end(), 0u);
  std::vector<std::uint64_t> keys2(n);
  constexpr int digit = 11;
  constexpr std::size_t buckets = std::size_t(1) << digit;
  for (int shift = 0; shift < bits; shift += digit) {
    std::vector<std::size_t> count(buckets + 1, 0);
    for (std::size_t i = 0; i < n; ++i) ++count[((keys[i] >> shift) & (buckets - 1)) + 1];
    for (std::size_t b = 1; b <= buckets; ++b) count[b] += count[b - 1];
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t at = count[(keys[i] >> shift) & (buckets - 1)]++;
      keys2[at] = keys[i];
      idx2[at] = idx[i];
    }
    keys.swap(keys2);
    idx.swap(idx2);
  }
  return idx;
}

void Importer::conversations() {
  PhaseTimer timer;
  auto t = open("conversations.csv",
                {{"id"}, {"relationship", true}, {"date", true}, {"kind", true}, {"guide"}, {"score"}, {"self_assessment"}},
                false);
  if (!t) return;
  ConvColumns c{t->present("id"), t->present("relationship"), t->present("date"), t->present("kind"),
                t->present("guide"), t->present("score"), t->present("self_assessment"), t->header.size()};
  conversation_key_column_ = c.key >= 0;
  GuideTable guides;
  guides.scale.resize(org_.guides().id_bound());
  guides.key.resize(org_.guides().id_bound());
  for (const Guide& g : org_.guides()) {
    guides.scale[g.id.value] = g.scale;
    guides.key[g.id.value] = g.key;
    guides.by_key.insert(guides.key[g.id.value], g.id.value);
  }

  // Split at line ends that lie outside quoted fields: the number of quotes before a position is even
  // exactly when the position is outside quotes.
  const char* b = t->body.data();
  const char* e = b + t->body.size();
  unsigned threads = opt_.threads ? opt_.threads : std::max(1u, std::thread::hardware_concurrency());
  if (t->body.size() < (std::size_t(1) << 20)) threads = 1;
  threads = std::min(threads, 64u);
  std::vector<const char*> cuts{b};
  {
    std::size_t quotes = 0;
    const char* counted = b;
    for (unsigned i = 1; i < threads; ++i) {
      const char* p = b + t->body.size() * i / threads;
      if (p <= cuts.back()) continue;
      for (;;) {
        const char* nl = static_cast<const char*>(std::memchr(p, '\n', std::size_t(e - p)));
        if (!nl) {
          p = e;
          break;
        }
        while (counted < nl) {
          const char* q = static_cast<const char*>(std::memchr(counted, '"', std::size_t(nl - counted)));
          if (!q) {
            counted = nl;
            break;
          }
          ++quotes;
          counted = q + 1;
        }
        p = nl + 1;
        if (quotes % 2 == 0) break;
      }
      if (p >= e) break;
      cuts.push_back(p);
    }
  }
  cuts.push_back(e);
  std::vector<ConvChunk> chunks(cuts.size() - 1);
  for (std::size_t i = 0; i < chunks.size(); ++i) chunks[i].begin = cuts[i], chunks[i].end = cuts[i + 1];
  // A chunk holds at most one row per line end, plus a last line without one: that bounds its slots.
  run_parallel(chunks.size(), [&](std::size_t i) { chunks[i].newlines = count_newlines(chunks[i].begin, chunks[i].end); });
  std::size_t cap = 0;
  for (auto& ch : chunks) ch.start = cap, cap += ch.newlines + 1;
  ConvRows rows;
  rows.allocate(cap, c.key >= 0);
  timer.lap("split, count lines");

  std::atomic<std::uint64_t> parsed{0};
  std::atomic<bool> finished{false};
  std::thread reporter;
  if (opt_.progress) {
    reporter = std::thread([&] {
      // Only this thread calls the callback while the parse runs.
      while (!finished.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        opt_.progress("conversations.csv", done_ + parsed.load(), total_);
      }
    });
  }
  run_parallel(chunks.size(), [&](std::size_t i) {
    parse_chunk(chunks[i], rows, *t, c, relationship_keys_, guides, opt_.max_issues, parsed);
  });
  finished = true;
  if (reporter.joinable()) reporter.join();
  done_ += t->body.size();
  timer.lap("parse (threads)");

  // Close the gaps between chunks; fix up line numbers.
  FileStats& st = stats("conversations.csv");
  std::size_t n = 0;
  std::uint64_t line = t->body_line;
  for (auto& ch : chunks) {
    for (auto& is : ch.issues) {
      is.line += line;
      issues_.add(std::move(is));
    }
    if (ch.issue_count > ch.issues.size()) issues_.add_counted(ch.issue_count - ch.issues.size());
    line += ch.lines;
    st.rows += ch.rows;
    if (ch.start != n) rows.move_rows(ch.start, n, ch.count);
    n += ch.count;
    owned_keys_.push_back(std::move(ch.owned));
  }
  rows.n = n;
  timer.lap("close gaps");

  // Lines of rows found bad after parsing (duplicate keys): counted from their offsets in one sweep.
  auto lines_of = [&](std::vector<std::pair<std::uint64_t, std::size_t>> at) {
    std::sort(at.begin(), at.end());
    std::vector<std::uint64_t> out(at.size());
    std::uint64_t ln = t->body_line;
    std::size_t pos = 0;
    for (auto [off, slot] : at) {
      ln += count_newlines(t->body.data() + pos, t->body.data() + off);
      pos = off;
      out[slot] = ln;
    }
    return out;
  };
  auto record_at = [&](std::uint64_t off) {
    std::string_view rest = t->body.substr(off);
    rest = rest.substr(0, rest.find('\n'));
    if (!rest.empty() && rest.back() == '\r') rest.remove_suffix(1);
    return std::string(rest);
  };

  // Keys must be unique; the index is kept for answers and agreements.
  std::vector<char> dropped;  // rows with a duplicate key
  if (c.key >= 0) {
    conversation_keys_.build(std::span<const std::string_view>(rows.key.data(), n), threads, rows.key_hash.data());
    const auto& dups = conversation_keys_.duplicates();
    if (!dups.empty()) {
      dropped.assign(n, 0);
      std::vector<std::pair<std::uint64_t, std::size_t>> at;
      for (std::size_t k = 0; k < dups.size(); ++k)
        at.emplace_back(rows.offset[dups[k].first], 2 * k), at.emplace_back(rows.offset[dups[k].second], 2 * k + 1);
      auto lines = lines_of(std::move(at));
      for (std::size_t k = 0; k < dups.size(); ++k) {
        auto [row, first] = dups[k];
        if (rows.kind[row] != 0xFF)
          issues_.add(CsvIssue{t->name, lines[2 * k], "id",
                               "duplicate key " + quoted_key(rows.key[row]) + " (first on line " +
                                   std::to_string(lines[2 * k + 1]) + ")",
                               record_at(rows.offset[row])});
        dropped[row] = 1;
      }
    }
  }
  timer.lap("key index, duplicates");

  // Each kept row's place in the clustered order (relationship, date, file order) of the column store.
  auto kept = [&](std::size_t i) { return rows.kind[i] != 0xFF && (dropped.empty() || !dropped[i]); };
  Buffer<std::uint32_t> dest(n);
  std::size_t m = 0;
  bool clustered = true, by_date = true;
  std::int32_t dmin = 0, dmax = 0;
  std::uint32_t rmax = 0;
  {
    std::size_t prev = n;
    for (std::size_t i = 0; i < n; ++i) {
      if (!kept(i)) {
        dest[i] = ConversationTable::no_row;
        continue;
      }
      if (prev == n) dmin = dmax = rows.date[i];
      dmin = std::min(dmin, rows.date[i]), dmax = std::max(dmax, rows.date[i]);
      rmax = std::max(rmax, rows.rel[i]);
      if (prev != n) {
        if (rows.date[prev] > rows.date[i]) by_date = false;
        if (rows.rel[prev] > rows.rel[i] || (rows.rel[prev] == rows.rel[i] && rows.date[prev] > rows.date[i]))
          clustered = false;
      }
      dest[i] = std::uint32_t(m++);
      prev = i;
    }
  }
  if (!clustered && by_date && rmax < (1u << 24)) {
    // Rows come in date order (as most exports give them): a stable counting sort by relationship
    // alone yields (relationship, date) order in one pass.
    std::vector<std::uint32_t> start(std::size_t(rmax) + 2, 0);
    for (std::size_t i = 0; i < n; ++i)
      if (dest[i] != ConversationTable::no_row) ++start[rows.rel[i] + 1];
    for (std::size_t r = 1; r < start.size(); ++r) start[r] += start[r - 1];
    for (std::size_t i = 0; i < n; ++i)
      if (dest[i] != ConversationTable::no_row) dest[i] = start[rows.rel[i]]++;
  } else if (!clustered) {
    int date_bits = 1, rel_bits = 1;
    while ((std::uint64_t(dmax) - std::uint64_t(dmin)) >> date_bits) ++date_bits;
    while (std::uint64_t(rmax) >> rel_bits) ++rel_bits;
    std::vector<std::uint64_t> keys;
    std::vector<std::uint32_t> which;
    keys.reserve(m), which.reserve(m);
    for (std::size_t i = 0; i < n; ++i)
      if (dest[i] != ConversationTable::no_row) {
        keys.push_back((std::uint64_t(rows.rel[i]) << date_bits) | std::uint64_t(std::int64_t(rows.date[i]) - dmin));
        which.push_back(std::uint32_t(i));
      }
    auto order = radix_order(std::move(keys), date_bits + rel_bits);
    for (std::size_t j = 0; j < order.size(); ++j) dest[which[order[j]]] = std::uint32_t(j);
  }
  Buffer<std::uint32_t> rel, guide;
  Buffer<std::int32_t> date;
  Buffer<std::uint8_t> kind, score, self;
  ConversationColumns columns;
  if (clustered && m == n) {
    // Already in order, nothing left out: the parsed columns go in as they are.
    columns = {{rows.rel.data(), m}, {rows.date.data(), m}, {rows.kind.data(), m}, {rows.guide.data(), m},
               {rows.score.data(), m}, {rows.self.data(), m}};
  } else {
    // One random write of 16 bytes a row (instead of one per column), then a sequential split.
    struct Packed {
      std::uint32_t rel, guide;
      std::int32_t date;
      std::uint8_t kind, score, self, pad;
    };
    Buffer<Packed> packed(m);
    for (std::size_t i = 0; i < n; ++i) {
      auto d = dest[i];
      if (d == ConversationTable::no_row) continue;
      packed[d] = Packed{rows.rel[i], rows.guide[i], rows.date[i], rows.kind[i], rows.score[i], rows.self[i], 0};
    }
    rel.allocate(m), guide.allocate(m), date.allocate(m), kind.allocate(m), score.allocate(m), self.allocate(m);
    for (std::size_t j = 0; j < m; ++j) {
      const Packed& p = packed[j];
      rel[j] = p.rel, guide[j] = p.guide, date[j] = p.date, kind[j] = p.kind, score[j] = p.score, self[j] = p.self;
    }
    columns = {{rel.data(), m}, {date.data(), m}, {kind.data(), m}, {guide.data(), m}, {score.data(), m}, {self.data(), m}};
  }
  timer.lap("order by relationship, date");
  ConversationId first = org_.add_conversations(columns);
  st.imported += m;
  timer.lap("add_conversations");
  if (c.key >= 0) {
    // Answers and agreements refer to conversations by key: keep what they need, by row.
    for (std::size_t i = 0; i < n; ++i)
      if (dest[i] != ConversationTable::no_row) dest[i] += first.value;
    conversation_ids_ = std::move(dest);
    conversation_rows_ = std::move(rows);
    conversation_file_ = std::make_unique<MappedFile>(std::move(t->file));  // keys point into it
  }
}

// ---------------------------------------------------------------------------------------- answers

void Importer::answers() {
  auto t = open("answers.csv", {{"conversation", true}, {"question", true}, {"text"}}, false);
  if (!t) return;
  int c_conv = t->col("conversation"), c_question = t->col("question"), c_text = t->col("text");
  struct Pending {
    std::uint32_t row;
    std::string question, text;
    std::uint64_t line;
  };
  std::vector<Pending> pending;
  std::unordered_map<std::uint64_t, std::uint64_t> seen;  // (row, question index) -> line
  rows(*t, [&](Row& row) {
    auto conv = conversation_ref(row, c_conv);
    auto q = row.need(c_question);
    std::string text = row.text(c_text);
    if (conv == absent || q.empty()) return false;
    const Guide& g = org_.guide(GuideId{conversation_rows_.guide[conv]});
    auto qi = g.question_index(q);
    if (!qi) {
      std::string list;
      for (auto& x : g.questions) list += (list.empty() ? "" : ", ") + x.key;
      row.fail(c_question, "guide '" + g.key + "' has no question " + quoted_key(q) + " (its questions: " + list + ")");
      return false;
    }
    auto k = (std::uint64_t(conv) << 16) | *qi;
    if (auto it = seen.find(k); it != seen.end()) {
      row.fail(c_question, "question " + quoted_key(q) + " is answered twice for this conversation (first on line " +
                               std::to_string(it->second) + ")");
      return false;
    }
    if (row.bad()) return false;
    seen.emplace(k, row.line());
    pending.push_back(Pending{conv, std::string(q), std::move(text), row.line()});
    return true;
  });
  // One update per conversation, in id order so the answer index grows at its end.
  // (std::sort with a tie-break rather than stable_sort: stable_sort quietly degrades when its buffer
  // cannot be allocated, and an import must report running out of memory.)
  std::sort(pending.begin(), pending.end(), [&](const Pending& a, const Pending& b) {
    auto x = conversation_ids_[a.row], y = conversation_ids_[b.row];
    return x != y ? x < y : a.line < b.line;
  });
  for (std::size_t i = 0; i < pending.size();) {
    std::size_t j = i;
    ConversationId id{conversation_ids_[pending[i].row]};
    ConversationFacts f = org_.conversation(id);
    ConversationSpec spec{f.relationship, f.date, f.kind, f.guide, f.score, f.self_assessment, {}};
    for (; j < pending.size() && pending[j].row == pending[i].row; ++j)
      spec.answers.push_back(Answer{std::move(pending[j].question), std::move(pending[j].text)});
    org_.update_conversation(id, spec);
    i = j;
  }
}

// ------------------------------------------------------------------------------------- agreements

void Importer::agreements() {
  auto t = open("agreements.csv",
                {{"conversation", true}, {"owner", true}, {"text"}, {"due", true}, {"status"}, {"closed"}}, false);
  if (!t) return;
  int c_conv = t->col("conversation"), c_owner = t->col("owner"), c_text = t->col("text"), c_due = t->col("due"),
      c_status = t->col("status"), c_closed = t->col("closed");
  rows(*t, [&](Row& row) {
    auto conv = conversation_ref(row, c_conv);
    auto owner = unit_ref(row, c_owner, true);
    std::string text = row.text(c_text);
    auto due = row.date(c_due, true);
    auto status = row.name<AgreementStatus>(c_status, parse_agreement_status, AgreementStatus::open);
    auto closed = row.date(c_closed, false);
    if (status && *status != AgreementStatus::open && !closed && row[c_closed].empty())
      row.fail(c_closed, "an agreement that is " + std::string(to_string(*status)) + " needs the date it was closed");
    if (status && *status == AgreementStatus::open && closed) row.fail(c_closed, "an open agreement has no closed date");
    const Date made{conv != absent ? conversation_rows_.date[conv] : 0};
    if (conv != absent && due && *due < made) row.fail(c_due, "due " + due->iso() + ", before the conversation on " + made.iso());
    if (conv != absent && closed && *closed < made) row.fail(c_closed, "closed " + closed->iso() + ", before the conversation on " + made.iso());
    if (row.bad() || conv == absent || !owner || !due || !status) return false;
    try {
      auto id = org_.add_agreement(AgreementSpec{ConversationId{conversation_ids_[conv]}, *owner, std::move(text), *due});
      if (*status != AgreementStatus::open) org_.close_agreement(id, *status, *closed);
      return true;
    } catch (const Error& e) {
      row.fail(-1, e.what());
      return false;
    }
  });
}

// ------------------------------------------------------------------------------------- complaints

void Importer::complaints() {
  auto t = open("complaints.csv",
                {{"relationship", true}, {"received", true}, {"severity"}, {"text"}, {"acknowledged"}, {"in_progress"},
                 {"resolved"}, {"closed"}, {"outcome"}},
                false);
  if (!t) return;
  int c_rel = t->col("relationship"), c_received = t->col("received"), c_severity = t->col("severity"),
      c_text = t->col("text"), c_outcome = t->col("outcome");
  int c_steps[5] = {c_received, t->col("acknowledged"), t->col("in_progress"), t->col("resolved"), t->col("closed")};
  rows(*t, [&](Row& row) {
    auto rel = relationship_ref(row, c_rel);
    auto severity = row.name<Severity>(c_severity, parse_severity, Severity::medium);
    std::string text = row.text(c_text);
    std::optional<Date> steps[5];
    for (int s = 0; s < 5; ++s) steps[s] = row.date(c_steps[s], s == 0);
    std::optional<ComplaintOutcome> outcome = row.name<ComplaintOutcome>(c_outcome, parse_complaint_outcome, ComplaintOutcome::none);
    std::optional<Date> previous;
    int previous_step = 0;
    for (int s = 0; s < 5; ++s) {
      if (!steps[s]) continue;
      if (previous && *steps[s] < *previous)
        row.fail(c_steps[s], std::string(to_string(ComplaintStage(s))) + " " + steps[s]->iso() + " is before " +
                                 std::string(to_string(ComplaintStage(previous_step))) + " " + previous->iso());
      previous = steps[s], previous_step = s;
    }
    if (outcome && steps[4] && *outcome == ComplaintOutcome::none)
      row.fail(c_outcome, "a closed complaint needs an outcome (accepted, rejected, no_basis)");
    if (outcome && !steps[4] && *outcome != ComplaintOutcome::none && row[c_steps[4]].empty())
      row.fail(c_outcome, "only a closed complaint has an outcome (the closed date is empty)");
    if (row.bad()) return false;
    try {
      auto id = org_.add_complaint(ComplaintSpec{*rel, *steps[0], *severity, std::move(text)});
      for (int s = 1; s < 5; ++s)
        if (steps[s]) org_.advance_complaint(id, ComplaintStage(s), *steps[s], s == 4 ? *outcome : ComplaintOutcome::none);
      return true;
    } catch (const Error& e) {
      row.fail(-1, e.what());
      return false;
    }
  });
}

// -------------------------------------------------------------------------------------- referrals

void Importer::referrals() {
  auto t = open("referrals.csv",
                {{"relationship", true}, {"date", true}, {"target"}, {"referred"}, {"outcome"}, {"closed"}}, false);
  if (!t) return;
  int c_rel = t->col("relationship"), c_date = t->col("date"), c_target = t->col("target"),
      c_referred = t->col("referred"), c_outcome = t->col("outcome"), c_closed = t->col("closed");
  rows(*t, [&](Row& row) {
    auto rel = relationship_ref(row, c_rel);
    auto date = row.date(c_date, true);
    auto target = row.name<ReferralTarget>(c_target, parse_referral_target, ReferralTarget::customer);
    auto referred = unit_ref(row, c_referred, false);
    auto outcome = row.name<ReferralOutcome>(c_outcome, parse_referral_outcome, ReferralOutcome::pending);
    auto closed = row.date(c_closed, false);
    if (outcome && *outcome != ReferralOutcome::pending && !closed && row[c_closed].empty())
      row.fail(c_closed, "a referral that is " + std::string(to_string(*outcome)) + " needs the date it was closed");
    if (outcome && *outcome == ReferralOutcome::pending && closed) row.fail(c_closed, "a pending referral has no closed date");
    if (date && closed && *closed < *date) row.fail(c_closed, "closed " + closed->iso() + ", before the referral on " + date->iso());
    if (rel && referred && org_.relationship(*rel).involves(*referred))
      row.fail(c_referred, "a referral names a third party, not one of the relationship's units");
    if (row.bad()) return false;
    try {
      auto id = org_.add_referral(ReferralSpec{*rel, *date, *target, referred});
      if (*outcome != ReferralOutcome::pending) org_.set_referral_outcome(id, *outcome, *closed);
      return true;
    } catch (const Error& e) {
      row.fail(-1, e.what());
      return false;
    }
  });
}

ImportResult Importer::run() {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder_, ec))
    throw IoError("cannot read " + folder_.string() + ": " + (std::filesystem::exists(folder_, ec) ? "not a folder" : "no such folder"));
  for (auto f : csv_files) {
    auto size = std::filesystem::file_size(folder_ / std::string(f), ec);
    if (!ec) total_ += size;
  }
  units();
  relationships();
  guides();
  conversations();
  answers();
  agreements();
  complaints();
  referrals();
  if (opt_.progress) opt_.progress("", total_, total_);

  ImportResult result;
  auto& list = issues_.list();
  auto rank = [](const std::string& f) {
    for (std::size_t i = 0; i < std::size(csv_files); ++i)
      if (csv_files[i] == f) return i;
    return std::size(csv_files);
  };
  std::vector<std::size_t> order(list.size());
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    auto ra = rank(list[a].file), rb = rank(list[b].file);
    if (ra != rb) return ra < rb;
    return list[a].line != list[b].line ? list[a].line < list[b].line : a < b;
  });
  std::vector<CsvIssue> sorted;
  sorted.reserve(list.size());
  for (auto i : order) sorted.push_back(std::move(list[i]));
  list.swap(sorted);
  result.issues = std::move(list);
  result.issue_count = issues_.count();
  result.files = std::move(stats_);
  if (result.issue_count == 0 || opt_.keep_going) {
    org_.compact();
    result.organisation = std::move(org_);
  }
  return result;
}

}  // namespace

ImportResult import_csv(const std::filesystem::path& folder, const ImportOptions& options) {
  return Importer(folder, options).run();
}

}  // namespace rapport::io
