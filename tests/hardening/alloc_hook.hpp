// A replacement of the global operator new/delete (alloc_hook.cpp) for the tests of this executable:
// it counts live and peak bytes, records the largest request, and can make the N-th allocation after
// arming throw std::bad_alloc. Requests above `request_limit` always fail (and are recorded), so a
// forged count shows up as a huge request rather than as an abort or a machine out of memory.
#pragma once

#include <cstddef>

namespace alloc_hook {

inline constexpr std::size_t request_limit = std::size_t(1) << 30;

/// Bytes currently allocated through operator new.
std::size_t live();
/// The most bytes live at once since the last reset_peak().
std::size_t peak();
/// The largest single request since the last reset_peak() (including refused ones).
std::size_t largest_request();
/// Starts a measurement: peak = live, largest request = 0.
void reset_peak();

/// Makes the `n`-th allocation from now (0-based) fail with std::bad_alloc; only that one.
void fail_at(long n);
/// Stops failing allocations.
void disarm();
/// Allocations since the last fail_at().
long allocations();
/// Whether the armed failure happened.
bool fired();
/// Whether it happened in a nothrow allocation: such a caller has a fallback by contract (the
/// temporary buffer of std::inplace_merge, say), so the operation may rightly complete.
bool fired_nothrow();

}  // namespace alloc_hook
