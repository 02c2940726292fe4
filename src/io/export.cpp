// Export of an Organisation as a CSV folder or one JSON document, and the rejects file of an import.
// Both exports walk the same tables (one function lists the records), so their names and columns
// cannot drift apart.

#include <cstdio>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>
#include <unordered_map>

#include "rapport/archive.hpp"
#include "rapport/error.hpp"
#include "rapport/io/csv.hpp"

namespace rapport::io {
namespace {

/// One value of an exported record.
struct Field {
  enum Type { text, number, null } type = null;
  std::string s;
  long long n = 0;
  Field() = default;
  Field(std::string v) : type(text), s(std::move(v)) {}
  Field(std::string_view v) : type(text), s(v) {}
  Field(const char* v) : type(text), s(v) {}
  Field(long long v) : type(number), n(v) {}
  static Field opt_date(const std::optional<Date>& d) { return d ? Field(d->iso()) : Field(); }
  static Field opt_int(const std::optional<int>& v) { return v ? Field((long long)*v) : Field(); }
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void begin(std::string_view table, std::vector<std::string> columns) = 0;
  virtual void row(const std::vector<Field>& fields) = 0;
  virtual void end() = 0;
};

/// Walks every record of `org` in the interchange format's tables.
void walk(const Organisation& org, const ExportOptions& opt, Sink& sink) {
  // Pseudonyms by id order, so the same archive always gives the same pseudonyms.
  std::unordered_map<std::uint32_t, std::string> pseudonym;
  if (opt.pseudonymise) {
    std::size_t n = 0;
    for (const Unit& u : org.units())
      if (u.kind == UnitKind::person || u.kind == UnitKind::candidate) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%s-%05zu", u.kind == UnitKind::person ? "person" : "candidate", ++n);
        pseudonym.emplace(u.id.value, buf);
      }
  }
  auto key = [&](UnitId id) -> std::string {
    if (auto it = pseudonym.find(id.value); it != pseudonym.end()) return it->second;
    return org.unit(id).key;
  };
  auto opt_key = [&](std::optional<UnitId> id) { return id ? Field(key(*id)) : Field(); };
  auto rel_key = [](RelationshipId id) { return "r" + std::to_string(id.value); };
  auto conv_key = [](std::uint32_t id) { return "c" + std::to_string(id); };
  auto free_text = [&](const std::string& s) { return opt.pseudonymise ? Field() : Field(s); };

  sink.begin("units", {"key", "name", "kind", "parent", "payer"});
  for (const Unit& u : org.units()) {
    auto p = pseudonym.find(u.id.value);
    sink.row({key(u.id), p != pseudonym.end() ? p->second : u.name, to_string(u.kind), opt_key(u.parent), opt_key(u.payer)});
  }
  sink.end();

  sink.begin("relationships", {"key", "provider", "recipient", "bond", "label"});
  for (const Relationship& r : org.relationships())
    sink.row({rel_key(r.id), key(r.provider), key(r.recipient), to_string(r.bond), r.label});
  sink.end();

  std::vector<std::string> guide_columns{"guide", "title", "kind", "scale_min", "scale_max", "question"};
  std::vector<std::string> languages;
  for (const Guide& g : org.guides())
    if (!g.builtin)
      for (const Question& q : g.questions)
        for (auto& [lang, text] : q.text)
          if (std::find(languages.begin(), languages.end(), lang) == languages.end()) languages.push_back(lang);
  std::sort(languages.begin(), languages.end());
  for (auto& l : languages) guide_columns.push_back("text_" + l);
  sink.begin("guides", guide_columns);
  for (const Guide& g : org.guides()) {
    if (g.builtin) continue;
    auto row = [&](const Question* q) {
      std::vector<Field> f{g.key, g.title, to_string(g.kind), (long long)g.scale.min, (long long)g.scale.max,
                           q ? Field(q->key) : Field()};
      for (auto& l : languages) {
        auto it = q ? q->text.find(l) : decltype(q->text.end()){};
        f.push_back(q && it != q->text.end() ? Field(it->second) : Field());
      }
      sink.row(f);
    };
    if (g.questions.empty()) row(nullptr);
    for (const Question& q : g.questions) row(&q);
  }
  sink.end();

  const ConversationTable& t = org.conversations();
  sink.begin("conversations", {"id", "relationship", "date", "kind", "guide", "score", "self_assessment"});
  auto score = [](std::uint8_t s) { return s == ConversationTable::no_score ? Field() : Field((long long)s); };
  for (std::size_t row = 0; row < t.rows(); ++row) {
    if (!t.live(row)) continue;
    sink.row({conv_key(t.ids()[row]), rel_key(RelationshipId{t.relationships()[row]}), Date{t.dates()[row]}.iso(),
              to_string(ConversationKind(t.kinds()[row])), org.guide(GuideId{t.guides()[row]}).key, score(t.scores()[row]),
              score(t.self_assessments()[row])});
  }
  sink.end();

  sink.begin("answers", {"conversation", "question", "text"});
  if (!opt.pseudonymise && org.answer_count() > 0) {
    std::vector<std::uint32_t> ids;
    for (std::size_t row = 0; row < t.rows(); ++row)
      if (t.live(row)) ids.push_back(t.ids()[row]);
    std::sort(ids.begin(), ids.end());
    for (auto id : ids)
      for (const Answer& a : org.answers(ConversationId{id})) sink.row({conv_key(id), a.question, a.text});
  }
  sink.end();

  sink.begin("agreements", {"conversation", "owner", "text", "due", "status", "closed"});
  for (const Agreement& a : org.agreements())
    sink.row({conv_key(a.conversation.value), key(a.owner), free_text(a.text), a.due.iso(), to_string(a.status),
              Field::opt_date(a.closed)});
  sink.end();

  sink.begin("complaints", {"relationship", "received", "severity", "text", "acknowledged", "in_progress", "resolved",
                            "closed", "outcome"});
  for (const Complaint& c : org.complaints())
    sink.row({rel_key(c.relationship), c.received.iso(), to_string(c.severity), free_text(c.text),
              Field::opt_date(c.steps[1]), Field::opt_date(c.steps[2]), Field::opt_date(c.steps[3]),
              Field::opt_date(c.steps[4]), c.steps[4] ? Field(to_string(c.outcome)) : Field()});
  sink.end();

  sink.begin("referrals", {"relationship", "date", "target", "referred", "outcome", "closed"});
  for (const Referral& x : org.referrals())
    sink.row({rel_key(x.relationship), x.date.iso(), to_string(x.target), opt_key(x.referred), to_string(x.outcome),
              Field::opt_date(x.closed)});
  sink.end();
}

void csv_field(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(s);
    return;
  }
  out.push_back('"');
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

/// Writes `bytes` to `path` through a temporary file in the same folder, renamed over it.

class CsvSink : public Sink {
 public:
  explicit CsvSink(std::filesystem::path folder) : folder_(std::move(folder)) {}
  void begin(std::string_view table, std::vector<std::string> columns) override {
    name_ = std::string(table) + ".csv";
    buf_.clear();
    rows_ = 0;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i) buf_.push_back(',');
      csv_field(buf_, columns[i]);
    }
    buf_.push_back('\n');
  }
  void row(const std::vector<Field>& fields) override {
    ++rows_;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i) buf_.push_back(',');
      const Field& f = fields[i];
      if (f.type == Field::text) csv_field(buf_, f.s);
      else if (f.type == Field::number) buf_ += std::to_string(f.n);
    }
    buf_.push_back('\n');
  }
  void end() override {
    // Optional files that would hold no rows are left out; units.csv is always written.
    if (rows_ == 0 && name_ != "units.csv") {
      std::error_code ec;
      std::filesystem::remove(folder_ / name_, ec);
      return;
    }
    write_file_atomically(folder_ / name_, buf_);
  }

 private:
  std::filesystem::path folder_;
  std::string name_, buf_;
  std::size_t rows_ = 0;
};

void json_string(std::ostream& out, std::string_view s) {
  out << '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out << "\\\""; break;
      case '\\': out << "\\\\"; break;
      case '\n': out << "\\n"; break;
      case '\r': out << "\\r"; break;
      case '\t': out << "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out << buf;
        } else {
          out << char(c);
        }
    }
  }
  out << '"';
}

class JsonSink : public Sink {
 public:
  explicit JsonSink(std::ostream& out) : out_(out) {}
  void start() { out_ << "{\n  \"format\": \"rapport-csv-json\",\n  \"version\": 1"; }
  void begin(std::string_view table, std::vector<std::string> columns) override {
    columns_ = std::move(columns);
    out_ << ",\n  ";
    json_string(out_, table);
    out_ << ": [";
    first_ = true;
  }
  void row(const std::vector<Field>& fields) override {
    out_ << (first_ ? "\n    {" : ",\n    {");
    first_ = false;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i) out_ << ", ";
      json_string(out_, columns_[i]);
      out_ << ": ";
      const Field& f = fields[i];
      if (f.type == Field::text) json_string(out_, f.s);
      else if (f.type == Field::number) out_ << f.n;
      else out_ << "null";
    }
    out_ << "}";
  }
  void end() override { out_ << (first_ ? "]" : "\n  ]"); }
  void finish() { out_ << "\n}\n"; }

 private:
  std::ostream& out_;
  std::vector<std::string> columns_;
  bool first_ = true;
};

}  // namespace

void export_csv(const Organisation& org, const std::filesystem::path& folder, const ExportOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec || !std::filesystem::is_directory(folder))
    throw IoError("cannot create folder " + folder.string() + (ec ? ": " + ec.message() : ": a file is in the way"));
  CsvSink sink(folder);
  walk(org, options, sink);
}

void export_json(const Organisation& org, std::ostream& out, const ExportOptions& options) {
  JsonSink sink(out);
  sink.start();
  walk(org, options, sink);
  sink.finish();
  if (!out) throw IoError("cannot write the JSON export");
}

void write_rejects(const std::vector<CsvIssue>& issues, const std::filesystem::path& path) {
  std::string buf = "file,line,column,reason,record\n";
  for (const CsvIssue& i : issues) {
    csv_field(buf, i.file);
    buf += "," + std::to_string(i.line) + ",";
    csv_field(buf, i.column);
    buf.push_back(',');
    csv_field(buf, i.reason);
    buf.push_back(',');
    csv_field(buf, i.record);
    buf.push_back('\n');
  }
  write_file_atomically(path, buf);
}

}  // namespace rapport::io
