#pragma once
/// \file A slot table: records addressed by dense ids that are never reused.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "rapport/error.hpp"

namespace rapport {

namespace detail {
struct Access;
}

/// Records of one type, indexed by their id's value. Removed ids leave an empty slot, so an id
/// always names the same record or nothing. Iteration yields the live records in id order.
template <class T, class IdT>
class Table {
 public:
  class iterator {
   public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using reference = const T&;
    using pointer = const T*;
    using iterator_category = std::forward_iterator_tag;
    iterator() = default;
    iterator(const std::optional<T>* p, const std::optional<T>* end) : p_(p), end_(end) { skip(); }
    const T& operator*() const { return **p_; }
    const T* operator->() const { return &**p_; }
    iterator& operator++() { ++p_; skip(); return *this; }
    iterator operator++(int) { auto t = *this; ++*this; return t; }
    friend bool operator==(const iterator& a, const iterator& b) { return a.p_ == b.p_; }

   private:
    void skip() { while (p_ != end_ && !*p_) ++p_; }
    const std::optional<T>* p_ = nullptr;
    const std::optional<T>* end_ = nullptr;
  };

  iterator begin() const { return {slots_.data(), slots_.data() + slots_.size()}; }
  iterator end() const { return {slots_.data() + slots_.size(), slots_.data() + slots_.size()}; }
  std::size_t size() const { return live_; }           ///< live records
  std::size_t id_bound() const { return slots_.size(); }  ///< every id is below this
  bool contains(IdT id) const { return id.value < slots_.size() && slots_[id.value].has_value(); }
  const T* find(IdT id) const { return contains(id) ? &*slots_[id.value] : nullptr; }
  /// The record with `id`; throws NotFoundError naming `what` otherwise.
  const T& at(IdT id, const char* what) const {
    if (!contains(id))
      throw NotFoundError(std::string("unknown ") + what + " id " + std::to_string(id.value));
    return *slots_[id.value];
  }

 private:
  friend class Organisation;
  friend struct detail::Access;
  IdT next_id() const { return IdT(static_cast<typename IdT::value_type>(slots_.size())); }
  T& slot(IdT id) { return *slots_[id.value]; }
  IdT insert(T record) {
    IdT id = next_id();
    record.id = id;
    slots_.emplace_back(std::move(record));
    ++live_;
    return id;
  }
  void erase(IdT id) { slots_[id.value].reset(); --live_; }

  std::vector<std::optional<T>> slots_;
  std::size_t live_ = 0;
};

}  // namespace rapport
