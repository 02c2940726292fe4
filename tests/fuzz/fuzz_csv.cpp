// libFuzzer target: rapport::io::import_csv on a hostile CSV folder (docs/csv-format.md).
//
// The importer reads files only, so the input is decoded into the files of a folder in a per-process
// temporary directory (created once, rewritten for every input):
//   [ '!' ]  part 0 \x1E part 1 \x1E ... part 7
// Part i is the content of rapport::io::csv_files[i] (units, relationships, guides, conversations,
// answers, agreements, complaints, referrals); an empty or missing part means the file is absent.
// A leading '!' imports with keep_going.
//
// Expected outcomes: an ImportResult (with or without issues) or a rapport::Error. Findings: crashes,
// sanitizer reports, leaks, other exceptions, an issue count that disagrees with the result, an imported
// Organisation that does not save and load again, or an export that does not import again into the
// same Organisation.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <typeinfo>

#include "rapport/archive.hpp"
#include "rapport/error.hpp"
#include "rapport/io/csv.hpp"

namespace fs = std::filesystem;

namespace {

constexpr char separator = '\x1E';  // ASCII record separator
constexpr std::size_t file_count = std::size(rapport::io::csv_files);

[[noreturn]] void finding(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "fuzz_csv: %s%s%s\n", what, detail.empty() ? "" : ": ", detail.c_str());
  std::abort();
}

struct TempDirs {
  fs::path root, in, out;
  TempDirs() {
    // tmpfs when there is one: export_csv fsyncs every file, which costs milliseconds on a disk.
    std::error_code ec;
    fs::path base = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string templ = (base / "rapport-fuzz-csv-XXXXXX").string();
    if (!::mkdtemp(templ.data())) finding("cannot create a temporary directory");
    root = templ;
    in = root / "in";
    out = root / "out";
    fs::create_directories(in);
  }
  ~TempDirs() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

TempDirs& dirs() {
  static TempDirs d;
  return d;
}

void write_file(const fs::path& p, std::string_view content) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(content.data(), std::streamsize(content.size()));
  if (!f) finding("cannot write", p.string());
}

void check_result(const rapport::io::ImportResult& r, bool keep_going) {
  if (r.issues.size() > r.issue_count) finding("more issues listed than counted");
  if (r.ok() != r.issues.empty()) finding("ok() disagrees with the issue list");
  if (!keep_going && r.ok() != r.organisation.has_value()) finding("an organisation despite issues, or none without");
  if (keep_going && !r.organisation) finding("keep_going gave no organisation");
  for (const auto& i : r.issues) {
    if (i.reason.empty()) finding("an issue without a reason");
    (void)rapport::io::to_string(i);
  }
}

void check_organisation(const rapport::Organisation& org) {
  // What an import yields must be a valid organisation: the archive loader checks every rule again.
  const std::string bytes = rapport::save_to_bytes(org);
  try {
    (void)rapport::load_from_bytes(bytes);
  } catch (const rapport::Error& e) {
    finding("an imported organisation does not load from its own archive", e.what());
  }
  // Export and import again: "importing it gives the same organisation" (docs/csv-format.md).
  auto& d = dirs();
  std::error_code ec;
  fs::remove_all(d.out, ec);
  rapport::io::export_csv(org, d.out);
  rapport::io::ImportOptions options;
  options.threads = 1;
  const auto again = rapport::io::import_csv(d.out, options);
  if (!again.ok() || !again.organisation) {
    std::string first = again.issues.empty() ? std::string("?") : rapport::io::to_string(again.issues.front());
    finding("an exported organisation does not import again", first);
  }
  if (rapport::save_to_bytes(*again.organisation) != bytes) finding("export + import changed the organisation");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const bool keep_going = !in.empty() && in[0] == '!';
  if (keep_going) in.remove_prefix(1);
  auto& d = dirs();
  for (std::size_t i = 0; i < file_count; ++i) {
    const std::size_t end = std::min(in.find(separator), in.size());
    const std::string_view part = in.substr(0, end);
    in.remove_prefix(end < in.size() ? end + 1 : end);
    const fs::path p = d.in / std::string(rapport::io::csv_files[i]);
    std::error_code ec;
    if (part.empty())
      fs::remove(p, ec);
    else
      write_file(p, part);
  }
  try {
    rapport::io::ImportOptions options;
    options.threads = 1;
    options.keep_going = keep_going;
    options.max_issues = 64;
    const auto r = rapport::io::import_csv(d.in, options);
    check_result(r, keep_going);
    if (r.organisation) check_organisation(*r.organisation);
  } catch (const rapport::Error&) {
    // expected for a folder the importer cannot read
  } catch (const std::exception& e) {
    finding("an exception that is not a rapport::Error escaped", std::string(typeid(e).name()) + ": " + e.what());
  } catch (...) {
    finding("an unknown exception escaped");
  }
  return 0;
}
