#pragma once
/// \file The CSV interchange format: import a folder of CSV files into an Organisation, export one.
///
/// The format is described in docs/csv-format.md: UTF-8, one header row naming the columns (any order),
/// ISO 8601 dates, the caller's own string keys as ids. An import validates every row and reports every
/// bad one with its file, line, column and reason; it yields an Organisation only when nothing was
/// wrong, or, with `keep_going`, one holding the valid rows.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/organisation.hpp"

namespace rapport::io {

/// The files of the format, in the order they are imported.
inline constexpr std::string_view csv_files[] = {"units.csv",   "relationships.csv", "guides.csv",
                                                 "conversations.csv", "answers.csv", "agreements.csv",
                                                 "complaints.csv", "referrals.csv"};

/// One problem found in a CSV folder.
struct CsvIssue {
  std::string file;      ///< e.g. "conversations.csv"
  std::uint64_t line = 0;  ///< physical line, 1-based (the header is line 1); 0 for the whole file
  std::string column;    ///< the column's header name; empty for the whole row or file
  std::string reason;
  std::string record;    ///< the raw text of the rejected row (empty for a file-level problem)
};

/// `file:line: column: reason`, the form the command line prints.
std::string to_string(const CsvIssue& issue);

/// Rows read and imported per file.
struct FileStats {
  std::string file;
  std::uint64_t rows = 0;      ///< data rows read
  std::uint64_t imported = 0;  ///< rows that became records
  std::uint64_t bytes = 0;
};

/// Called now and then during an import: `done` of `total` bytes of all files are processed.
using ProgressFn = std::function<void(std::string_view file, std::uint64_t done, std::uint64_t total)>;

struct ImportOptions {
  /// Import the valid rows and report the bad ones, instead of importing nothing when a row is bad.
  bool keep_going = false;
  /// At most this many issues are kept (every one is still counted in `issue_count`).
  std::size_t max_issues = 1'000'000;
  /// Threads for parsing the large files; 0 means the hardware's concurrency.
  unsigned threads = 0;
  ProgressFn progress;
};

struct ImportResult {
  /// The imported organisation: present when there were no issues, or with `keep_going`.
  std::optional<Organisation> organisation;
  std::vector<CsvIssue> issues;   ///< in file order, then line order
  std::uint64_t issue_count = 0;  ///< issues found, including those beyond `max_issues`
  std::vector<FileStats> files;
  bool ok() const { return issue_count == 0; }
};

/// Reads and validates a CSV folder. Throws IoError only when a file exists but cannot be read, or
/// the folder does not exist; every problem with the data is an issue in the result.
ImportResult import_csv(const std::filesystem::path& folder, const ImportOptions& options = {});

/// Writes the issues as a CSV file (`file,line,column,reason,record`), atomically. Throws IoError.
void write_rejects(const std::vector<CsvIssue>& issues, const std::filesystem::path& path);

struct ExportOptions {
  /// Replace the key and name of every person and candidate by a stable pseudonym (`person-<n>`),
  /// and leave out free text (answers, agreement and complaint texts) that could identify them.
  bool pseudonymise = false;
};

/// Writes `org` as a CSV folder that `import_csv` reads back (creating the folder). Relationship
/// and conversation keys are generated (`r<id>`, `c<id>`). Throws IoError.
void export_csv(const Organisation& org, const std::filesystem::path& folder, const ExportOptions& options = {});

/// Writes `org` as one JSON document with the same records and names as the CSV files.
void export_json(const Organisation& org, std::ostream& out, const ExportOptions& options = {});

}  // namespace rapport::io
