#pragma once
// Not public. A large array in its own anonymous mapping: zero-filled by the kernel as it is first
// touched (no memset pass, unlike std::vector), 2 MiB aligned, and optionally backed by transparent
// huge pages, so that random access into hundreds of megabytes costs fewer TLB misses.
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

namespace rapport::io::detail {

template <class T>
class Buffer {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  Buffer() = default;
  explicit Buffer(std::size_t n, bool huge_pages = false, bool populate = true) { allocate(n, huge_pages, populate); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& o) noexcept { swap(o); }
  Buffer& operator=(Buffer&& o) noexcept {
    Buffer(std::move(o)).swap(*this);
    return *this;
  }
  ~Buffer() { release(); }

  /// n zero-filled elements (earlier contents are dropped).
  /// With `huge_pages`, asks for transparent huge pages (worth it for random access only: where the
  /// kernel compacts memory to find them, faulting them in costs system time). With `populate`, the
  /// pages are mapped in one system call instead of one fault each; leave it off for memory that
  /// several threads will fill (their faults then run in parallel).
  void allocate(std::size_t n, bool huge_pages = false, bool populate = true) {
    release();
    if (n == 0) return;
    constexpr std::size_t huge = std::size_t(2) << 20;
    std::size_t bytes = (n * sizeof(T) + huge - 1) / huge * huge;
    void* p = ::mmap(nullptr, bytes + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | (populate ? MAP_POPULATE : 0), -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    // Align to 2 MiB so whole huge pages fit, and give the slack back.
    auto base = reinterpret_cast<std::uintptr_t>(p);
    auto aligned = (base + huge - 1) & ~(std::uintptr_t(huge) - 1);
    if (aligned > base) ::munmap(p, aligned - base);
    std::size_t tail = (base + bytes + huge) - (aligned + bytes);
    if (tail) ::munmap(reinterpret_cast<void*>(aligned + bytes), tail);
    if (huge_pages) ::madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);
    data_ = reinterpret_cast<T*>(aligned);
    size_ = n;
    bytes_ = bytes;
  }

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  explicit operator bool() const { return data_ != nullptr; }

 private:
  void release() {
    if (data_) ::munmap(data_, bytes_);
    data_ = nullptr, size_ = 0, bytes_ = 0;
  }
  void swap(Buffer& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(bytes_, o.bytes_);
  }
  T* data_ = nullptr;
  std::size_t size_ = 0, bytes_ = 0;
};

}  // namespace rapport::io::detail
