// The global operator new/delete of the allocation tests; see alloc_hook.hpp. Each block carries a
// 16-byte prefix with its size, so that delete can count it off (alignment of malloc is kept).
#include "alloc_hook.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace alloc_hook {
namespace {
std::atomic<std::size_t> live_bytes{0}, peak_bytes{0}, largest{0};
std::atomic<long> counter{0}, fail_index{-1};
std::atomic<bool> did_fire{false}, did_fire_nothrow{false};
constexpr std::size_t prefix = 16;

void raise_to(std::atomic<std::size_t>& a, std::size_t v) {
  std::size_t seen = a.load(std::memory_order_relaxed);
  while (v > seen && !a.compare_exchange_weak(seen, v, std::memory_order_relaxed)) {
  }
}
}  // namespace

std::size_t live() { return live_bytes.load(); }
std::size_t peak() { return peak_bytes.load(); }
std::size_t largest_request() { return largest.load(); }
void reset_peak() {
  peak_bytes = live_bytes.load();
  largest = 0;
}
void fail_at(long n) {
  did_fire = false;
  did_fire_nothrow = false;
  counter = 0;
  fail_index = n;
}
void disarm() { fail_index = -1; }
long allocations() { return counter.load(); }
bool fired() { return did_fire.load(); }
bool fired_nothrow() { return did_fire_nothrow.load(); }

void* allocate(std::size_t n, bool nothrow) {
  raise_to(largest, n);
  const long i = counter.fetch_add(1, std::memory_order_relaxed);
  if (i == fail_index.load(std::memory_order_relaxed)) {
    did_fire = true;
    did_fire_nothrow = nothrow;
    return nullptr;
  }
  if (n > request_limit) return nullptr;
  auto* p = static_cast<char*>(std::malloc(n + prefix));
  if (!p) return nullptr;
  *reinterpret_cast<std::size_t*>(p) = n;
  const std::size_t now = live_bytes.fetch_add(n, std::memory_order_relaxed) + n;
  raise_to(peak_bytes, now);
  return p + prefix;
}

void release(void* q) noexcept {
  if (!q) return;
  char* p = static_cast<char*>(q) - prefix;
  live_bytes.fetch_sub(*reinterpret_cast<std::size_t*>(p), std::memory_order_relaxed);
  std::free(p);
}

}  // namespace alloc_hook

void* operator new(std::size_t n) {
  if (void* p = alloc_hook::allocate(n, false)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = alloc_hook::allocate(n, false)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return alloc_hook::allocate(n, true); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return alloc_hook::allocate(n, true); }
void operator delete(void* p) noexcept { alloc_hook::release(p); }
void operator delete[](void* p) noexcept { alloc_hook::release(p); }
void operator delete(void* p, std::size_t) noexcept { alloc_hook::release(p); }
void operator delete[](void* p, std::size_t) noexcept { alloc_hook::release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { alloc_hook::release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { alloc_hook::release(p); }
