// The `rapport` command: import, check, report, export, erase and sample (docs/cli.md).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "exit_codes.hpp"
#include "progress.hpp"
#include "rapport/archive.hpp"
#include "rapport/error.hpp"
#include "rapport/io/csv.hpp"
#include "rapport/rapport.hpp"
#include "report.hpp"
#include "rapport/sample.hpp"

namespace fs = std::filesystem;
using namespace rapport;
using namespace rapport::cli;

namespace {

/// A failure that carries its exit code and the message to print.
struct Failure {
  int code;
  std::string message;
};

int code_of(const Error& e) {
  switch (e.code()) {
    case ErrorCode::io: return exit_io;
    case ErrorCode::corrupt:
    case ErrorCode::version_too_new:
    case ErrorCode::not_an_archive: return exit_corrupt;
    default: return exit_invalid_data;
  }
}

void print_issues(const io::ImportResult& r, std::size_t limit) {
  std::size_t shown = 0;
  for (const auto& i : r.issues) {
    if (limit && shown == limit) break;
    std::cerr << io::to_string(i) << "\n";
    ++shown;
  }
  if (r.issue_count > shown)
    std::cerr << "... and " << (r.issue_count - shown) << " more (--max-errors 0 shows all; --rejects FILE writes all)\n";
}

std::string counts(const Organisation& org) {
  return std::to_string(org.units().size()) + " units, " + std::to_string(org.relationships().size()) +
         " relationships, " + std::to_string(org.conversations().size()) + " conversations, " +
         std::to_string(org.answer_count()) + " answers, " + std::to_string(org.agreements().size()) + " agreements, " +
         std::to_string(org.complaints().size()) + " complaints, " + std::to_string(org.referrals().size()) + " referrals";
}

struct CsvRead {
  io::ImportResult result;
  double seconds = 0;
};

CsvRead read_csv(const fs::path& folder, bool keep_going, bool quiet, unsigned threads) {
  ProgressBar bar(!quiet);
  io::ImportOptions opt;
  opt.keep_going = keep_going;
  opt.threads = threads;
  if (bar.enabled()) opt.progress = [&](std::string_view f, std::uint64_t d, std::uint64_t t) { bar.update(f, d, t); };
  auto t0 = std::chrono::steady_clock::now();
  CsvRead r{io::import_csv(folder, opt), 0};
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  bar.finish();
  return r;
}

/// An archive, or a CSV folder imported on the fly (which must be valid).
Organisation open_input(const fs::path& path, bool quiet) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    auto r = read_csv(path, false, quiet, 0);
    if (!r.result.ok()) {
      print_issues(r.result, 20);
      throw Failure{exit_invalid_data, path.string() + ": " + std::to_string(r.result.issue_count) +
                                           " problems; run `rapport check` for the full list"};
    }
    return std::move(*r.result.organisation);
  }
  if (!fs::exists(path, ec)) throw Failure{exit_io, "cannot read " + path.string() + ": no such file or folder"};
  return load(path);
}

// ------------------------------------------------------------------------------------ subcommands

struct ImportArgs {
  std::string folder, output, rejects;
  bool keep_going = false, quiet = false;
  std::size_t max_errors = 50;
  unsigned threads = 0;
};

int run_import(const ImportArgs& a) {
  {
    // Fail before a long parse when the archive could not be written anyway.
    std::error_code ec;
    auto dir = fs::absolute(a.output, ec).parent_path();
    if (!ec && !fs::is_directory(dir, ec))
      throw Failure{exit_io, "cannot write " + a.output + ": no such folder " + dir.string()};
  }
  auto r = read_csv(a.folder, a.keep_going, a.quiet, a.threads);
  auto& res = r.result;
  std::uint64_t rows = 0;
  for (auto& f : res.files) rows += f.rows;
  print_issues(res, a.max_errors);
  std::string rejects = a.rejects;
  if (a.keep_going && rejects.empty() && res.issue_count) rejects = a.output + ".rejects.csv";
  if (!rejects.empty() && res.issue_count) {
    io::write_rejects(res.issues, rejects);
    std::cerr << "rejects: " << rejects << "\n";
  }
  if (!res.organisation) {
    std::cerr << "import failed: " << res.issue_count << " problem" << (res.issue_count == 1 ? "" : "s") << " in "
              << a.folder << "; nothing was written\n";
    return exit_invalid_data;
  }
  save(*res.organisation, a.output);
  if (!a.quiet) {
    std::printf("imported %s in %.2f s (%.0f rows/s): %s\n", a.folder.c_str(), r.seconds, double(rows) / std::max(r.seconds, 1e-9),
                counts(*res.organisation).c_str());
    if (res.issue_count) std::printf("rejected: %llu problem rows (see %s)\n", (unsigned long long)res.issue_count, rejects.c_str());
    std::printf("archive: %s\n", a.output.c_str());
  }
  return exit_ok;
}

int run_check(const std::string& path, std::size_t max_errors, bool quiet) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    auto r = read_csv(path, false, quiet, 0);
    print_issues(r.result, max_errors);
    if (!r.result.ok()) {
      std::cerr << "invalid: " << r.result.issue_count << " problem" << (r.result.issue_count == 1 ? "" : "s") << " in "
                << path << "\n";
      return exit_invalid_data;
    }
    std::cout << "ok: CSV folder " << path << ": " << counts(*r.result.organisation) << "\n";
    return exit_ok;
  }
  if (!fs::exists(path, ec)) throw Failure{exit_io, "cannot read " + path + ": no such file or folder"};
  Organisation org = load(path);
  std::cout << "ok: archive " << path << ": " << counts(org) << "\n";
  return exit_ok;
}

struct ExportArgs {
  std::string archive, output, format;
  bool pseudonymise = false;
};

int run_export(const ExportArgs& a) {
  Organisation org = open_input(a.archive, true);
  std::string format = a.format;
  if (format.empty()) format = (a.output == "-" || fs::path(a.output).extension() == ".json") ? "json" : "csv";
  io::ExportOptions opt{a.pseudonymise};
  if (format == "json") {
    if (a.output == "-") {
      io::export_json(org, std::cout, opt);
      std::cout.flush();
      return exit_ok;
    }
    auto tmp = a.output + ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary);
      if (!out) throw Failure{exit_io, "cannot write " + a.output};
      io::export_json(org, out, opt);
      out.close();
      if (!out) throw Failure{exit_io, "cannot write " + a.output};
    }
    std::error_code ec;
    fs::rename(tmp, a.output, ec);
    if (ec) throw Failure{exit_io, "cannot write " + a.output + ": " + ec.message()};
  } else {
    if (a.output == "-") throw Failure{exit_usage, "a CSV export needs a folder, not -"};
    io::export_csv(org, a.output, opt);
  }
  std::cerr << "exported " << (a.pseudonymise ? "(pseudonymised) " : "") << "as " << format << ": " << a.output << "\n";
  return exit_ok;
}

int run_erase(const std::string& archive, const std::string& key) {
  std::error_code ec;
  if (!fs::is_regular_file(archive, ec)) throw Failure{exit_io, "cannot read " + archive + ": no such archive file"};
  Organisation org = load(archive);
  auto id = org.find_unit(key);
  if (!id) throw Failure{exit_invalid_data, "no unit with key '" + key + "' in " + archive};
  ErasureReport r = org.erase_person(*id);
  save(org, archive);
  std::cout << "erased '" << key << "' from " << archive << ": " << r.relationships << " relationships, "
            << r.conversations << " conversations, " << r.answers << " answers, " << r.agreements << " agreements, "
            << r.complaints << " complaints, " << r.referrals << " referrals\n";
  return exit_ok;
}

int run_sample(const std::string& dir, std::uint64_t seed) {
  Organisation org = sample_organisation(seed);
  io::export_csv(org, dir);
  std::cout << "sample organisation written to " << dir << ": " << counts(org) << "\n";
  return exit_ok;
}

struct ReportArgs {
  std::string input, html, as_of, unit, cost = "21%";
  double salary = 55000;
  int min_group = 5;
  int width = 80;
  bool quiet = false;
};

int run_report(const ReportArgs& a) {
  Organisation org = open_input(a.input, a.quiet);
  ReportOptions opt;
  if (!a.as_of.empty()) {
    try {
      opt.as_of = Date::parse(a.as_of);
    } catch (const Error& e) {
      throw Failure{exit_usage, std::string("--as-of: ") + e.what()};
    }
  }
  opt.min_group = a.min_group;
  opt.salary = a.salary;
  opt.cost_preset = a.cost == "21%" ? 0 : a.cost == "6-9-months" ? 1 : 2;
  opt.width = a.width;
  if (!a.unit.empty()) {
    auto id = org.find_unit(a.unit);
    if (!id) throw Failure{exit_invalid_data, "no unit with key '" + a.unit + "'"};
    opt.unit = *id;
  }
  if (a.html.empty() || !a.quiet) print_text_report(org, opt, std::cout);
  if (!a.html.empty()) {
    write_html_report(org, opt, a.html);
    std::cout << "HTML report: " << fs::absolute(a.html).string() << "\n";
  }
  return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rapport: stakeholder relationships, conversations and comparable scores.\n"
               "Exit codes: 0 ok, 1 usage, 2 invalid data, 3 I/O error, 4 corrupt archive, 5 internal error.",
               "rapport"};
  app.set_version_flag("--version", std::string(RAPPORT_VERSION_STRING));
  app.require_subcommand(1);
  app.fallthrough(false);

  ImportArgs ia;
  auto* imp = app.add_subcommand("import", "Import a folder of CSV files into a validated archive.\n"
                                           "Nothing is written when a row is bad, unless --keep-going.");
  imp->add_option("folder", ia.folder, "Folder with units.csv, relationships.csv, conversations.csv, ...")->required();
  imp->add_option("-o,--output", ia.output, "Archive file to write (atomically)")->required();
  imp->add_flag("-k,--keep-going", ia.keep_going, "Import the valid rows; write the bad ones to the rejects file");
  imp->add_option("--rejects", ia.rejects, "Where to write the rejected rows (default with --keep-going: ARCHIVE.rejects.csv)");
  imp->add_option("--max-errors", ia.max_errors, "Print at most this many problems (0: all)")->capture_default_str();
  imp->add_option("--threads", ia.threads, "Parser threads (0: one per core)")->capture_default_str();
  imp->add_flag("-q,--quiet", ia.quiet, "No progress bar and no summary");

  std::string check_path;
  std::size_t check_max = 50;
  bool check_quiet = false;
  auto* chk = app.add_subcommand("check", "Validate an archive file or a CSV folder; writes nothing.");
  chk->add_option("path", check_path, "Archive file or CSV folder")->required();
  chk->add_option("--max-errors", check_max, "Print at most this many problems (0: all)")->capture_default_str();
  chk->add_flag("-q,--quiet", check_quiet, "No progress bar");

  ReportArgs ra;
  auto* rep = app.add_subcommand("report", "Print a summary that fits 80 columns; optionally write the HTML report.");
  rep->add_option("input", ra.input, "Archive file (or a valid CSV folder)")->required();
  rep->add_option("--html", ra.html, "Write the self-contained HTML report to this file");
  rep->add_option("--as-of", ra.as_of, "Report date YYYY-MM-DD (default: the latest date in the data)");
  rep->add_option("--unit", ra.unit, "Only this unit (by key) in the terminal report");
  rep->add_option("--min-group", ra.min_group, "Privacy: smallest group whose people-aggregates are shown (>= 3)")
      ->capture_default_str()
      ->check(CLI::Range(3, 1000));
  rep->add_option("--width", ra.width, "Terminal report width")->capture_default_str()->check(CLI::Range(60, 400));
  rep->add_flag("-q,--quiet", ra.quiet, "With --html: do not print the terminal report");
  rep->add_option("--salary", ra.salary, "Annual salary for the expected cost of losing an employee")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  rep->add_option("--replacement-cost", ra.cost,
                  "Replacement cost preset: 21% (of annual salary, median of 27 case studies), 6-9-months, 0.5-2x")
      ->capture_default_str()
      ->check(CLI::IsMember({"21%", "6-9-months", "0.5-2x"}));

  ExportArgs ea;
  auto* exp = app.add_subcommand("export", "Export an archive as a CSV folder or a JSON file.");
  exp->add_option("archive", ea.archive, "Archive file")->required();
  exp->add_option("-o,--output", ea.output, "CSV folder, or JSON file (- for standard output)")->required();
  exp->add_option("-f,--format", ea.format, "csv or json (default: json for *.json and -, else csv)")
      ->check(CLI::IsMember({"csv", "json"}));
  exp->add_flag("-p,--pseudonymise,--pseudonymize", ea.pseudonymise,
                "Replace people's keys and names by pseudonyms and leave out free text");

  std::string erase_archive, erase_key;
  auto* era = app.add_subcommand("erase", "Erase one person completely and rewrite the archive atomically.");
  era->add_option("archive", erase_archive, "Archive file (rewritten in place)")->required();
  era->add_option("person", erase_key, "The person's unit key")->required();

  std::string sample_dir;
  std::uint64_t seed = 2026;
  auto* smp = app.add_subcommand("sample", "Write the bundled sample organisation (an energy supplier) as a CSV folder.");
  smp->add_option("folder", sample_dir, "Folder to write (created if needed)")->required();
  smp->add_option("--seed", seed, "Random seed (the bundled sample uses the default)")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? exit_ok : exit_usage;
  }

  try {
    // A test hook: the tests need one way to reach the internal-error exit code.
    if (const char* f = std::getenv("RAPPORT_TEST_FAULT"); f && std::string(f) == "internal")
      throw std::logic_error("fault injected by RAPPORT_TEST_FAULT");
    if (*imp) return run_import(ia);
    if (*chk) return run_check(check_path, check_max, check_quiet);
    if (*rep) return run_report(ra);
    if (*exp) return run_export(ea);
    if (*era) return run_erase(erase_archive, erase_key);
    if (*smp) return run_sample(sample_dir, seed);
  } catch (const Failure& f) {
    std::cerr << "rapport: " << f.message << "\n";
    return f.code;
  } catch (const Error& e) {
    std::cerr << "rapport: " << e.what() << "\n";
    return code_of(e);
  } catch (const std::exception& e) {
    std::cerr << "rapport: internal error: " << e.what() << "\n";
    return exit_internal;
  }
  return exit_usage;
}
