#pragma once
/// \file Not public. The memory of the conversation columns.
///
/// A load, a merge or a bulk insert fills columns of hundreds of megabytes that were just allocated.
/// With std::allocator such a column is first zeroed by resize() and faulted in 4 KiB page by page,
/// which cost more than reading the file. Large columns therefore come from their own anonymous
/// mappings, aligned to and advised for transparent huge pages, and resize() leaves new elements
/// default-initialised: every column is written right after it is sized (fresh mappings read as zero).
#include <cstddef>
#include <new>
#include <utility>
#include <vector>

namespace rapport::detail {

/// Blocks from `column_threshold` bytes up are mapped; smaller ones come from operator new.
inline constexpr std::size_t column_threshold = std::size_t(1) << 21;
void* allocate_column(std::size_t bytes);                  ///< throws std::bad_alloc
void release_column(void* p, std::size_t bytes) noexcept;  ///< `bytes` as allocated

template <class T>
struct ColumnAllocator {
  using value_type = T;
  ColumnAllocator() = default;
  template <class U>
  ColumnAllocator(const ColumnAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    if (n > std::size_t(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(allocate_column(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { release_column(p, n * sizeof(T)); }

  /// Default-initialises: a column's new elements are written before they are read.
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... A>
  void construct(U* p, A&&... a) {
    ::new (static_cast<void*>(p)) U(std::forward<A>(a)...);
  }
  friend bool operator==(const ColumnAllocator&, const ColumnAllocator&) { return true; }
};

template <class T>
using Column = std::vector<T, ColumnAllocator<T>>;

}  // namespace rapport::detail
