#pragma once
// The bundled sample organisation: Stadtwerke Rheinfeld, a fictional municipal energy supplier.
#include <cstdint>

#include "rapport/organisation.hpp"

namespace rapport::cli {

/// Builds the sample organisation deterministically from `seed` (the bundled sample uses 2026).
Organisation make_sample(std::uint64_t seed = 2026);

}  // namespace rapport::cli
