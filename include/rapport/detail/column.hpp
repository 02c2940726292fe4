#pragma once
/// \file Not public, though batch results name MappedAllocator in their column type. The memory of
/// the conversation columns and of large batch results.
///
/// A load, a merge or a bulk insert fills columns of hundreds of megabytes that were just allocated.
/// With std::allocator such a column is first zeroed by resize() and faulted in 4 KiB page by page,
/// which cost more than reading the file. Large columns therefore come from their own anonymous
/// mappings, aligned to and advised for transparent huge pages, and resize() leaves new elements
/// default-initialised: every column is written right after it is sized (fresh mappings read as zero).
#include <cstddef>
#include <iterator>
#include <new>
#include <utility>
#include <vector>

namespace rapport::detail {

/// Blocks from `column_threshold` bytes up are mapped; smaller ones come from operator new.
inline constexpr std::size_t column_threshold = std::size_t(1) << 21;
void* allocate_column(std::size_t bytes);                  ///< throws std::bad_alloc
void release_column(void* p, std::size_t bytes) noexcept;  ///< `bytes` as allocated
/// As allocate_column / release_column, but released mappings are kept for reuse (up to
/// `kept_results_limit` bytes in all, the most recent first): a batch called again gets memory that
/// is already faulted in. A reused block holds old data, so only value-initialised vectors use these.
/// Results from `result_threshold` bytes up are mapped, below `column_threshold` in 4 KiB pages: a
/// per-unit column of 100k units (800 KB) that went back to glibc came back as fresh pages for
/// several calls, and their faults were half the time of unit_scores from Python.
inline constexpr std::size_t kept_results_limit = std::size_t(128) << 20;
inline constexpr std::size_t result_threshold = std::size_t(1) << 16;
void* allocate_result(std::size_t bytes);
void release_result(void* p, std::size_t bytes) noexcept;
std::size_t kept_result_bytes();  ///< what released results keep mapped now
/// False under ASan and TSan, which watch operator new, not private mappings: there every block is
/// on the heap.
bool columns_are_mapped();

/// Where a block allocator's memory comes from.
struct ResultBlocks {
  static void* allocate(std::size_t bytes) { return allocate_result(bytes); }
  static void release(void* p, std::size_t bytes) noexcept { release_result(p, bytes); }
};
struct ColumnBlocks {
  static void* allocate(std::size_t bytes) { return allocate_column(bytes); }
  static void release(void* p, std::size_t bytes) noexcept { release_column(p, bytes); }
};

/// An element constructed from it is default-initialised: a trivial type is left as the memory
/// holds it. See assign_for_overwrite.
struct ForOverwrite {};

template <class T, class Blocks>
struct BlockAllocator {
  using value_type = T;
  BlockAllocator() = default;
  template <class U>
  BlockAllocator(const BlockAllocator<U, Blocks>&) noexcept {}

  template <class U>
  void construct(U* p, ForOverwrite) noexcept {
    ::new (static_cast<void*>(p)) U;
  }

  T* allocate(std::size_t n) {
    if (n > std::size_t(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(Blocks::allocate(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { Blocks::release(p, n * sizeof(T)); }
  friend bool operator==(const BlockAllocator&, const BlockAllocator&) { return true; }
};

/// Blocks from result_threshold up in their own mappings (huge pages from column_threshold), kept
/// for reuse when released (allocate_result); smaller ones from operator new. Elements are
/// value-initialised as usual. Batch results use it.
template <class T>
using MappedAllocator = BlockAllocator<T, ResultBlocks>;

/// Counts n ForOverwrite values, as a random-access range (for assign_for_overwrite).
struct ForOverwriteIterator {
  using iterator_category = std::random_access_iterator_tag;
  using value_type = ForOverwrite;
  using difference_type = std::ptrdiff_t;
  using pointer = const ForOverwrite*;
  using reference = ForOverwrite;
  std::size_t i;
  ForOverwrite operator*() const { return {}; }
  ForOverwriteIterator& operator++() { return ++i, *this; }
  ForOverwriteIterator operator++(int) { return {i++}; }
  ForOverwriteIterator& operator--() { return --i, *this; }
  ForOverwriteIterator& operator+=(difference_type d) { return i += std::size_t(d), *this; }
  difference_type operator-(const ForOverwriteIterator& o) const { return difference_type(i - o.i); }
  bool operator==(const ForOverwriteIterator& o) const { return i == o.i; }
};

/// Makes `v` hold n elements that are not written (for trivial types: whatever the memory held), as
/// assign(n, value) would but without the pass that writes the value: for a column the caller
/// writes in full right after. resize() and assign() still value-initialise.
template <class T, class Blocks>
void assign_for_overwrite(std::vector<T, BlockAllocator<T, Blocks>>& v, std::size_t n) {
  v = std::vector<T, BlockAllocator<T, Blocks>>(ForOverwriteIterator{0}, ForOverwriteIterator{n});  // constructs only
}

/// assign_for_overwrite for several columns of n elements.
template <class... Columns>
void size_for_overwrite(std::size_t n, Columns&... columns) {
  (assign_for_overwrite(columns, n), ...);
}

/// Large blocks in their own huge-page mappings (allocate_column), and default-initialises: a
/// column's new elements are written before they are read, so resize() need not zero them first.
template <class T>
struct ColumnAllocator : BlockAllocator<T, ColumnBlocks> {
  ColumnAllocator() = default;
  template <class U>
  ColumnAllocator(const ColumnAllocator<U>&) noexcept {}

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
