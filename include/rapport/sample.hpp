#pragma once
/// \file The bundled sample organisation: Stadtwerke Rheinfeld, a fictional municipal energy supplier
/// with four years of conversations and a story in them (see src/sample/sample.cpp). The command
/// line's `rapport sample`, Python's `rapport.sample()`, the examples and many tests start from it.
#include <cstdint>

#include "rapport/organisation.hpp"

namespace rapport {

/// Builds the sample organisation deterministically from `seed` (the bundled sample uses 2026).
Organisation sample_organisation(std::uint64_t seed = 2026);

}  // namespace rapport
