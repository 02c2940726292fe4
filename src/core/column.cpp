#include "rapport/detail/column.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <iterator>
#include <mutex>
#include <utility>
#include <vector>

namespace rapport::detail {
namespace {

constexpr std::size_t huge_page = std::size_t(2) << 20;

// Sanitizers watch operator new, not private mappings: under them every column stays on the heap.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool map_large = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool map_large = false;
#else
constexpr bool map_large = true;
#endif
#else
constexpr bool map_large = true;
#endif

std::size_t mapped_size(std::size_t bytes) { return (bytes + huge_page - 1) & ~(huge_page - 1); }

}  // namespace

void* allocate_column(std::size_t bytes) {
  if (!map_large || bytes < column_threshold) return ::operator new(bytes);
  // Map one huge page more than needed and trim, so that the block starts on a huge-page boundary:
  // the kernel backs only aligned 2 MiB ranges with huge pages.
  const std::size_t size = mapped_size(bytes);
  if (size < bytes || size + huge_page < size) throw std::bad_alloc();
  void* p = ::mmap(nullptr, size + huge_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(p);
  const auto aligned = (start + huge_page - 1) & ~std::uintptr_t(huge_page - 1);
  if (aligned > start) ::munmap(p, aligned - start);
  if (const std::size_t tail = huge_page - (aligned - start)) ::munmap(reinterpret_cast<void*>(aligned + size), tail);
#ifdef MADV_HUGEPAGE
  ::madvise(reinterpret_cast<void*>(aligned), size, MADV_HUGEPAGE);  // advice only: failure is harmless
#endif
  return reinterpret_cast<void*>(aligned);
}

void release_column(void* p, std::size_t bytes) noexcept {
  if (!p) return;
  if (!map_large || bytes < column_threshold)
    ::operator delete(p);
  else
    ::munmap(p, mapped_size(bytes));
}

namespace {

/// Released result mappings, most recent last. A batch called again asks for the sizes it released.
struct KeptMappings {
  std::mutex mu;
  std::vector<std::pair<void*, std::size_t>> blocks;  ///< (start, mapped size)
  std::size_t bytes = 0;
};
/// Never destroyed: a result may be released during exit, after static destructors ran.
KeptMappings& kept() {
  static KeptMappings* k = new KeptMappings;
  return *k;
}

/// What a result block of `bytes` maps: whole huge pages from column_threshold up (allocate_column),
/// else whole 64 KiB, so that results of similar sizes share kept blocks.
std::size_t result_size(std::size_t bytes) {
  if (bytes >= column_threshold) return mapped_size(bytes);
  return (bytes + result_threshold - 1) & ~(result_threshold - 1);
}

}  // namespace

std::size_t kept_result_bytes() {
  KeptMappings& k = kept();
  std::lock_guard lock(k.mu);
  return k.bytes;
}

bool columns_are_mapped() { return map_large; }

void* allocate_result(std::size_t bytes) {
  if (!map_large || bytes < result_threshold) return ::operator new(bytes);
  const std::size_t size = result_size(bytes);
  {
    KeptMappings& k = kept();
    std::lock_guard lock(k.mu);
    for (auto it = k.blocks.rbegin(); it != k.blocks.rend(); ++it)
      if (it->second == size) {
        void* p = it->first;
        k.bytes -= size;
        k.blocks.erase(std::next(it).base());
        return p;
      }
  }
  if (bytes >= column_threshold) return allocate_column(bytes);
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return p;
}

void release_result(void* p, std::size_t bytes) noexcept {
  if (!p) return;
  if (!map_large || bytes < result_threshold) return ::operator delete(p);
  const std::size_t size = result_size(bytes);
  KeptMappings& k = kept();  // made by the allocate_result that made `p`
  std::lock_guard lock(k.mu);
  try {
    k.blocks.emplace_back(p, size);
  } catch (const std::bad_alloc&) {
    ::munmap(p, size);  // no room to remember it
    return;
  }
  k.bytes += size;
  std::size_t drop = 0;  // over the bound: the oldest go
  for (; k.bytes > kept_results_limit; ++drop) {
    ::munmap(k.blocks[drop].first, k.blocks[drop].second);
    k.bytes -= k.blocks[drop].second;
  }
  k.blocks.erase(k.blocks.begin(), k.blocks.begin() + std::ptrdiff_t(drop));
}

}  // namespace rapport::detail
