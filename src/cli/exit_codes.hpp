#pragma once
// The exit codes of the `rapport` command (docs/cli.md). Values are part of its interface.
namespace rapport::cli {

enum Exit : int {
  exit_ok = 0,            ///< done
  exit_usage = 1,         ///< bad arguments or options
  exit_invalid_data = 2,  ///< the data is invalid (bad CSV rows, unknown or wrong record named)
  exit_io = 3,            ///< a file or folder could not be read or written
  exit_corrupt = 4,       ///< the archive is damaged, not an archive, or from a newer rapport
  exit_internal = 5,      ///< an unexpected error (a bug: please report it)
};

}  // namespace rapport::cli
