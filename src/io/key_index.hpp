#pragma once
// Not public. An open-addressing map from string keys to 32-bit values. Keys are string_views whose
// bytes the caller keeps alive (the mapped CSV file, or an owned arena), so inserting allocates only
// when the table grows.
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>
#include <span>
#include <thread>
#include <algorithm>
#include <vector>

#include "buffer.hpp"

namespace rapport::io::detail {

/// A fast 64-bit hash of a short key (words folded with a multiply-xor mix).
inline std::uint64_t hash_key(std::string_view s) {
  constexpr std::uint64_t m = 0x9E3779B97F4A7C15ull;
  std::uint64_t h = s.size() * m;
  const char* p = s.data();
  std::size_t n = s.size();
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * m;
    h ^= h >> 29;
    p += 8, n -= 8;
  }
  if (n) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * m;
    h ^= h >> 29;
  }
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 32);
}

/// Equality of short keys without a call to memcmp: word-wise loads, the tail byte by byte.
inline bool same_key(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  std::size_t n = a.size();
  while (n >= 8) {
    std::uint64_t x, y;
    std::memcpy(&x, p, 8);
    std::memcpy(&y, q, 8);
    if (x != y) return false;
    p += 8, q += 8, n -= 8;
  }
  while (n--)
    if (*p++ != *q++) return false;
  return true;
}

/// A map from string keys to 32-bit values, built for lookups from hot loops: a slot is 16 bytes, and a
/// key of up to 11 bytes lives in the slot itself, so a lookup touches one cache line of a table that
/// stays in cache for tens of thousands of keys. A longer key is compared through a pointer to its
/// string, which the caller keeps alive at a stable address (e.g. in a std::deque).
class KeyIndex {
 public:
  static constexpr std::uint32_t absent = 0xFFFFFFFFu;

  explicit KeyIndex(std::size_t expected = 16) { rehash(capacity_for(expected)); }

  std::size_t size() const { return size_; }

  /// The value of `key`, or `absent`.
  std::uint32_t find(std::string_view key) const { return find(key, hash_key(key)); }
  /// Starts loading the slot where a key of hash `h` would be (for a find() a little later).
  void prefetch(std::uint64_t h) const { __builtin_prefetch(&slots_[h & mask_]); }
  /// find() with the key's hash_key() already computed.
  std::uint32_t find(std::string_view key, std::uint64_t h) const {
    Image img = image(key, h, nullptr);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.value == absent) return absent;
      if (matches(s, img, key)) return s.value;
    }
  }

  /// Inserts `key` -> `value` (the string behind `key` must outlive the index when it is longer than
  /// 11 bytes); if the key is there already, returns its value and changes nothing.
  std::uint32_t insert(const std::string& key, std::uint32_t value) {
    if ((size_ + 1) * 5 > slots_.size() * 4) rehash(slots_.size() * 2);
    std::uint64_t h = hash_key(key);
    Image img = image(key, h, &key);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.value == absent) {
        s.value = value;
        std::memcpy(s.image, img.bytes, sizeof img.bytes);
        ++size_;
        return absent;
      }
      if (matches(s, img, key)) return s.value;
    }
  }

 private:
  static constexpr std::size_t inline_max = 11;
  struct Image {
    unsigned char bytes[12];  // length byte, then the key zero-padded; or 0xFF, 3 hash bytes, a pointer
  };
  struct Slot {
    std::uint32_t value = absent;
    unsigned char image[12] = {};
  };
  static_assert(sizeof(Slot) == 16);

  static Image image(std::string_view key, std::uint64_t h, const std::string* owner) {
    Image img{};
    if (key.size() <= inline_max) {
      img.bytes[0] = static_cast<unsigned char>(key.size());
      std::memcpy(img.bytes + 1, key.data(), key.size());
    } else {
      img.bytes[0] = 0xFF;
      img.bytes[1] = static_cast<unsigned char>(h >> 40);
      img.bytes[2] = static_cast<unsigned char>(h >> 48);
      img.bytes[3] = static_cast<unsigned char>(h >> 56);
      std::memcpy(img.bytes + 4, &owner, sizeof owner);
    }
    return img;
  }
  static bool matches(const Slot& s, const Image& img, std::string_view key) {
    std::uint32_t a, b;
    std::memcpy(&a, s.image, 4);
    std::memcpy(&b, img.bytes, 4);
    if (a != b) return false;
    if (img.bytes[0] != 0xFF) {
      std::uint64_t x, y;
      std::memcpy(&x, s.image + 4, 8);
      std::memcpy(&y, img.bytes + 4, 8);
      return x == y;
    }
    const std::string* stored;
    std::memcpy(&stored, s.image + 4, sizeof stored);
    return same_key(*stored, key);
  }
  static std::size_t capacity_for(std::size_t n) {
    std::size_t c = 16;
    while (c * 4 < n * 5) c <<= 1;
    return c;
  }
  /// The key a slot holds (inline, or the string it points to).
  static std::string_view key_of(const Slot& s) {
    if (s.image[0] != 0xFF) return std::string_view(reinterpret_cast<const char*>(s.image + 1), s.image[0]);
    const std::string* stored;
    std::memcpy(&stored, s.image + 4, sizeof stored);
    return *stored;
  }
  void rehash(std::size_t cap) {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    for (const Slot& s : old) {
      if (s.value == absent) continue;
      for (std::size_t i = hash_key(key_of(s)) & mask_;; i = (i + 1) & mask_)
        if (slots_[i].value == absent) {
          slots_[i] = s;
          break;
        }
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

/// A compact index over keys held elsewhere (one string_view per row; empty views are skipped): 8 bytes
/// a slot, for millions of rows. The first row of a key wins; later ones are listed as duplicates.
///
/// Built like a partitioned hash join: the rows are first grouped by the top bits of their key's hash
/// (sequential passes), then each group gets a table of its own small enough to stay in cache while it
/// is filled; several threads fill different groups. Random access into one huge table would wait for
/// memory on almost every insert.
class RowKeyIndex {
 public:
  static constexpr std::uint32_t absent = 0xFFFFFFFFu;
  static constexpr unsigned part_bits = 8;
  static constexpr std::size_t parts = std::size_t(1) << part_bits;

  /// `hashes`, when given, holds hash_key() of every key (computed while the keys were hot in cache).
  void build(std::span<const std::string_view> keys, unsigned threads = 1, const std::uint64_t* hashes = nullptr) {
    keys_ = keys;
    const std::size_t n = keys.size();
    Buffer<std::uint64_t> own;
    if (!hashes) {
      own.allocate(n);
      for (std::size_t i = 0; i < n; ++i) own[i] = hash_key(keys[i]);
      hashes = own.data();
    }
    const std::uint64_t* hash = hashes;
    std::vector<std::size_t> count(parts + 1, 0);
    for (std::size_t i = 0; i < n; ++i)
      if (!keys[i].empty()) ++count[part(hash[i]) + 1];
    // Each part's table: a power of two at least 1.5 times its rows.
    base_.assign(parts + 1, 0);
    mask_.assign(parts, 0);
    for (std::size_t p = 0; p < parts; ++p) {
      std::size_t cap = 8;
      while (cap < count[p + 1] + count[p + 1] / 2) cap <<= 1;
      mask_[p] = cap - 1;
      base_[p + 1] = base_[p] + cap;
    }
    slots_.allocate(base_[parts]);  // small tables: 4 KiB pages do
    // Rows grouped by part, in row order within each part (so the first row of a key is met first).
    for (std::size_t p = 1; p <= parts; ++p) count[p] += count[p - 1];
    // Each entry carries its hash, so filling a part reads only sequential memory; a key itself is
    // read only when its 32-bit tag matches another's.
    struct Entry {
      std::uint64_t hash;
      std::uint32_t row;
    };
    Buffer<Entry> order(count[parts]);
    {
      std::vector<std::size_t> at(count.begin(), count.end() - 1);
      for (std::size_t i = 0; i < n; ++i)
        if (!keys[i].empty()) order[at[part(hash[i])]++] = Entry{hash[i], std::uint32_t(i)};
    }
    own = Buffer<std::uint64_t>();
    std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> dups(std::max(1u, threads));
    auto work = [&](std::size_t t) {
      for (std::size_t p = t; p < parts; p += dups.size())
        for (std::size_t k = count[p]; k < count[p + 1]; ++k) {
          std::uint32_t row = order[k].row;
          std::uint32_t first = insert(order[k].hash, row);
          if (first != absent) dups[t].emplace_back(row, first);
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < dups.size(); ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    duplicates_.clear();
    for (auto& d : dups) duplicates_.insert(duplicates_.end(), d.begin(), d.end());
    std::sort(duplicates_.begin(), duplicates_.end());
  }

  std::uint32_t find(std::string_view key) const {
    if (!slots_ || key.empty()) return absent;
    std::uint64_t h = hash_key(key);
    std::uint64_t tag = h >> 32;
    const std::size_t p = part(h), b = base_[p], m = mask_[p];
    for (std::size_t i = h & m;; i = (i + 1) & m) {
      std::uint64_t s = slots_[b + i];
      if (!s) return absent;
      if ((s >> 32) == tag && same_key(keys_[std::uint32_t(s) - 1], key)) return std::uint32_t(s) - 1;
    }
  }

  /// (row, first row with the same key) for every repeated key, in row order.
  const std::vector<std::pair<std::uint32_t, std::uint32_t>>& duplicates() const { return duplicates_; }

 private:
  static std::size_t part(std::uint64_t h) { return std::size_t(h >> (64 - part_bits)); }
  std::uint32_t insert(std::uint64_t h, std::uint32_t row) {
    std::uint64_t tag = h >> 32;
    const std::size_t p = part(h), b = base_[p], m = mask_[p];
    for (std::size_t i = h & m;; i = (i + 1) & m) {
      std::uint64_t s = slots_[b + i];
      if (!s) {
        slots_[b + i] = (tag << 32) | (std::uint64_t(row) + 1);
        return absent;
      }
      if ((s >> 32) == tag && same_key(keys_[std::uint32_t(s) - 1], keys_[row])) return std::uint32_t(s) - 1;
    }
  }

  std::span<const std::string_view> keys_;
  Buffer<std::uint64_t> slots_;
  std::vector<std::size_t> base_, mask_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> duplicates_;
};

}  // namespace rapport::io::detail
