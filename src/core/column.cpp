#include "rapport/detail/column.hpp"

#include <sys/mman.h>

#include <cstdint>

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

}  // namespace rapport::detail
