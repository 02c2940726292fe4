#include "rapport/conversation_table.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <new>

namespace rapport {
namespace {

// Rows sort by (relationship, date, id); the first two pack into one key.
inline std::uint64_t cluster_key(std::uint32_t rel, std::int32_t date) {
  return (std::uint64_t(rel) << 32) | (std::uint32_t(date) ^ 0x80000000u);
}

/// Sorts `rows` by (cluster key, id) with a stable LSD radix sort on the key, packed into as few
/// bits as its range needs: linear in the rows, where a comparison sort of a 10-million-row bulk load
/// took seconds.
void sort_rows(std::vector<std::uint32_t>& rows, std::span<const std::uint32_t> rel, std::span<const std::int32_t> date,
               std::span<const std::uint32_t> ids) {
  if (rows.size() < 2) return;
  std::uint32_t rel_min = UINT32_MAX, rel_max = 0;
  std::int32_t date_min = INT32_MAX, date_max = INT32_MIN;
  for (auto r : rows) {
    rel_min = std::min(rel_min, rel[r]), rel_max = std::max(rel_max, rel[r]);
    date_min = std::min(date_min, date[r]), date_max = std::max(date_max, date[r]);
  }
  const std::uint64_t date_span = std::uint64_t(std::int64_t(date_max) - date_min) + 1;
  struct Item {
    std::uint64_t key;
    std::uint32_t row;
  };
  std::vector<Item> items(rows.size()), scratch(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto r = rows[i];
    items[i] = {std::uint64_t(rel[r] - rel_min) * date_span + std::uint64_t(std::int64_t(date[r]) - date_min), r};
  }
  const std::uint64_t max_key = std::uint64_t(rel_max - rel_min) * date_span + (date_span - 1);
  const int bits = 64 - __builtin_clzll(max_key | 1);
  constexpr int digit = 11;
  for (int shift = 0; shift < bits; shift += digit) {
    std::vector<std::size_t> count((1u << digit) + 1, 0);
    for (const Item& it : items) ++count[((it.key >> shift) & ((1u << digit) - 1)) + 1];
    if (*std::max_element(count.begin(), count.end()) == items.size()) continue;  // one bucket: nothing moves
    for (std::size_t b = 1; b < count.size(); ++b) count[b] += count[b - 1];
    for (const Item& it : items) scratch[count[(it.key >> shift) & ((1u << digit) - 1)]++] = it;
    items.swap(scratch);
  }
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = items[i].row;
  // Equal keys (same relationship and day) are ordered by id; such runs are short.
  for (std::size_t i = 0; i < items.size();) {
    std::size_t j = i + 1;
    while (j < items.size() && items[j].key == items[i].key) ++j;
    if (j - i > 1)
      std::sort(rows.begin() + std::ptrdiff_t(i), rows.begin() + std::ptrdiff_t(j),
                [&](std::uint32_t a, std::uint32_t b) { return ids[a] < ids[b]; });
    i = j;
  }
}

template <class T>
detail::Column<T> gathered(const detail::Column<T>& column, const std::vector<std::uint32_t>& order) {
  detail::Column<T> out(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) out[i] = column[order[i]];
  return out;
}

/// Room for `n` elements without reallocating, growing geometrically (an exact reserve per insert
/// would copy the whole vector every time).
template <class V>
void room_for(V& v, std::size_t n) {
  if (n > v.capacity()) v.reserve(std::max(n, 2 * v.capacity()));
}

std::uint8_t pack_score(const std::optional<int>& s) {
  return s ? std::uint8_t(*s) : ConversationTable::no_score;
}
std::optional<int> unpack_score(std::uint8_t s) {
  return s == ConversationTable::no_score ? std::nullopt : std::optional<int>(s);
}

}  // namespace

void RowIndex::resize(std::uint32_t bound) {
  pages_.resize((std::uint64_t(bound) + page_size - 1) >> page_bits);
  // Ids at or beyond the new bound in the last page must read as none when the bound grows again.
  if (bound < bound_ && !pages_.empty() && !pages_.back().empty())
    std::fill(pages_.back().begin() + (bound & page_mask ? bound & page_mask : page_size), pages_.back().end(), none);
  bound_ = bound;
}

void RowIndex::extend(std::uint32_t bound) {
  if (bound <= bound_) return;
  const std::size_t old_pages = pages_.size();
  const std::size_t need = (std::uint64_t(bound) + page_size - 1) >> page_bits;
  constexpr std::size_t max_pages = std::size_t(1) << (32 - page_bits);
  if (need > pages_.capacity()) pages_.reserve(std::max(need, std::min(2 * pages_.capacity(), max_pages)));
  pages_.resize(need);  // within the capacity: cannot throw
  try {
    for (std::size_t p = bound_ >> page_bits; p < need; ++p)
      if (pages_[p].empty()) pages_[p].assign(page_size, none);
  } catch (...) {
    // The bound is the next conversation id: it stays. The new pages go; a page allocated below the old
    // end holds only none, which reads the same as no page.
    pages_.resize(old_pages);
    throw;
  }
  bound_ = bound;
}

std::size_t RowIndex::assign(std::span<const std::uint32_t> ids, std::span<const std::uint8_t> kinds) {
  auto counted = [&](std::size_t r) { return kinds[r] != ConversationTable::removed_kind; };
  for (std::size_t r = 0; r < ids.size(); ++r)  // pages first, so the prefetches below have somewhere to point
    if (counted(r) && pages_[ids[r] >> page_bits].empty()) pages_[ids[r] >> page_bits].assign(page_size, none);
  // The writes scatter over the whole index; fetching ahead hides most of the cache misses.
  constexpr std::size_t ahead = 32;
  for (std::size_t r = 0; r < ids.size(); ++r) {
    if (r + ahead < ids.size()) prefetch(ids[r + ahead]);
    if (!counted(r)) continue;
    auto& slot = pages_[ids[r] >> page_bits][ids[r] & page_mask];
    if (slot != none) return r;
    slot = std::uint32_t(r);
  }
  return ids.size();
}

std::size_t RowIndex::memory_bytes() const {
  std::size_t n = pages_.capacity() * sizeof(pages_[0]);
  for (const auto& page : pages_) n += page.capacity() * sizeof(std::uint32_t);
  return n;
}

LazyRowIndex::LazyRowIndex(const LazyRowIndex& o) {
  std::lock_guard lock(o.mutex_);  // another reader may be building o's index right now
  if (o.built_.load(std::memory_order_relaxed)) {
    index_ = o.index_;
    built_.store(true, std::memory_order_relaxed);
  }
}

LazyRowIndex::LazyRowIndex(LazyRowIndex&& o) noexcept
    : index_(std::move(o.index_)), built_(o.built_.load(std::memory_order_relaxed)) {
  o.drop();
}

LazyRowIndex& LazyRowIndex::operator=(const LazyRowIndex& o) {
  if (this != &o) *this = LazyRowIndex(o);
  return *this;
}

LazyRowIndex& LazyRowIndex::operator=(LazyRowIndex&& o) noexcept {
  if (this != &o) {
    index_ = std::move(o.index_);
    built_.store(o.built_.load(std::memory_order_relaxed), std::memory_order_relaxed);
    o.drop();
  }
  return *this;
}

void LazyRowIndex::drop() noexcept {
  index_ = RowIndex();
  built_.store(false, std::memory_order_relaxed);
}

std::size_t LazyRowIndex::memory_bytes() const {
  std::lock_guard lock(mutex_);
  return built_.load(std::memory_order_relaxed) ? index_.memory_bytes() : 0;
}

void LazyRowIndex::build(const ConversationTable& t) const {
  std::lock_guard lock(mutex_);
  if (built_.load(std::memory_order_relaxed)) return;  // another reader built it meanwhile
  RowIndex index;
  index.resize(t.id_bound());
  index.assign(t.ids(), t.kinds());  // the table's ids are unique: its mutators and the load see to it
  index_ = std::move(index);
  built_.store(true, std::memory_order_release);
}

ConversationFacts ConversationTable::facts(std::size_t row) const {
  return ConversationFacts{ConversationId{ids_[row]}, RelationshipId{relationships_[row]}, Date{dates_[row]},
                           ConversationKind(kinds_[row]),  GuideId{guides_[row]},
                           unpack_score(scores_[row]),     unpack_score(self_[row])};
}

std::pair<std::size_t, std::size_t> ConversationTable::sorted_range(RelationshipId rel) const {
  auto first = relationships_.begin(), last = relationships_.begin() + std::ptrdiff_t(sorted_);
  auto [lo, hi] = std::equal_range(first, last, rel.value);
  return {std::size_t(lo - relationships_.begin()), std::size_t(hi - relationships_.begin())};
}

std::size_t ConversationTable::memory_bytes() const {
  return ids_.capacity() * 4 + relationships_.capacity() * 4 + dates_.capacity() * 4 + kinds_.capacity() +
         guides_.capacity() * 4 + scores_.capacity() + self_.capacity() + row_of_.memory_bytes();
}

void ConversationTable::make_room(std::size_t rows) {
  room_for(ids_, rows), room_for(relationships_, rows), room_for(dates_, rows), room_for(kinds_, rows);
  room_for(guides_, rows), room_for(scores_, rows), room_for(self_, rows);
}

ConversationId ConversationTable::append(const ConversationFacts& f) {
  const ConversationId id{next_id_};
  // Allocate first (room in the columns, the id's page), then change only what cannot throw.
  make_room(rows() + 1);
  if (RowIndex* index = row_of_.if_built()) {
    index->extend(id.value + 1);
    index->set(id.value, std::uint32_t(ids_.size()));
  }
  ++next_id_;
  ids_.push_back(id.value);
  relationships_.push_back(f.relationship.value);
  dates_.push_back(f.date.days);
  kinds_.push_back(std::uint8_t(f.kind));
  guides_.push_back(f.guide.value);
  scores_.push_back(pack_score(f.score));
  self_.push_back(pack_score(f.self_assessment));
  ++live_;
  return id;
}

void ConversationTable::set(std::size_t row, const ConversationFacts& f) {
  bool moves = relationships_[row] != f.relationship.value || dates_[row] != f.date.days;
  if (moves && row < sorted_) {
    // Its place in the clustered order changes: leave a tombstone and re-append under the same id
    // (room first: after the tombstone nothing may throw).
    make_room(rows() + 1);
    std::uint32_t id = ids_[row];
    remove(row);
    if (RowIndex* index = row_of_.if_built()) index->set(id, std::uint32_t(ids_.size()));
    ids_.push_back(id);
    relationships_.push_back(0), dates_.push_back(0), kinds_.push_back(0), guides_.push_back(0);
    scores_.push_back(no_score), self_.push_back(no_score);
    ++live_;
    row = ids_.size() - 1;
  }
  relationships_[row] = f.relationship.value;
  dates_[row] = f.date.days;
  kinds_[row] = std::uint8_t(f.kind);
  guides_[row] = f.guide.value;
  scores_[row] = pack_score(f.score);
  self_[row] = pack_score(f.self_assessment);
  merge_if_due();
}

void ConversationTable::remove(std::size_t row) {
  if (RowIndex* index = row_of_.if_built()) index->set(ids_[row], no_row);
  kinds_[row] = removed_kind;
  scores_[row] = self_[row] = no_score;
  --live_;
}

void ConversationTable::merge_if_due() {
  std::size_t tail = rows() - sorted_, dead = rows() - live_;
  if (tail > std::max<std::size_t>(1 << 16, sorted_ / 8) || dead > std::max<std::size_t>(1 << 16, live_ / 4)) {
    // Merging is deferred housekeeping that every reader can do without (the tail is scanned, tombstones
    // skipped). Out of memory, merge() leaves the table as it was and the next change tries again: the
    // change that called it has succeeded and must not be reported as failed.
    try {
      merge();
    } catch (const std::bad_alloc&) {
    }
  }
}

void ConversationTable::merge(std::span<const std::uint32_t> drop_rows) {
  if (drop_rows.empty() && compact()) return;
  auto key_less = [&](std::uint32_t a, std::uint32_t b) {
    auto ka = cluster_key(relationships_[a], dates_[a]), kb = cluster_key(relationships_[b], dates_[b]);
    return ka != kb ? ka < kb : ids_[a] < ids_[b];
  };
  // Fast path for appends in order (bulk loads, a nightly sync by date): the tail extends the
  // sorted part as it is, and nothing moves.
  if (drop_rows.empty() && live_ == rows()) {
    bool in_order = true;
    for (std::size_t r = std::max<std::size_t>(sorted_, 1); r < rows() && in_order; ++r)
      in_order = key_less(std::uint32_t(r - 1), std::uint32_t(r));
    if (in_order) {
      sorted_ = rows();
      return;
    }
  }
  // Everything is built aside (the order, the new columns) and then swapped in, so
  // that an allocation failure anywhere leaves the table as it was.
  std::vector<std::uint32_t> order;
  order.reserve(live_);
  auto drop = drop_rows.begin();
  auto keep = [&](std::uint32_t r) {
    if (drop != drop_rows.end() && *drop == r) return ++drop, false;
    return live(r);
  };
  for (std::uint32_t r = 0; r < sorted_; ++r)
    if (keep(r)) order.push_back(r);
  auto mid = order.size();
  for (std::uint32_t r = std::uint32_t(sorted_); r < rows(); ++r)
    if (keep(r)) order.push_back(r);
  {
    std::vector<std::uint32_t> tail(order.begin() + std::ptrdiff_t(mid), order.end());
    sort_rows(tail, relationships_, dates_, ids_);
    std::copy(tail.begin(), tail.end(), order.begin() + std::ptrdiff_t(mid));
  }
  // Falls back to a merge without a buffer if it cannot get one.
  std::inplace_merge(order.begin(), order.begin() + std::ptrdiff_t(mid), order.end(), key_less);

  auto ids = gathered(ids_, order), relationships = gathered(relationships_, order);
  auto dates = gathered(dates_, order);
  auto kinds = gathered(kinds_, order);
  auto guides = gathered(guides_, order);
  auto scores = gathered(scores_, order), self = gathered(self_, order);

  // Nothing below can throw. Every row moves, so the id index goes; the next lookup rebuilds it.
  ids_.swap(ids), relationships_.swap(relationships), dates_.swap(dates), kinds_.swap(kinds);
  guides_.swap(guides), scores_.swap(scores), self_.swap(self);
  row_of_.drop();
  sorted_ = live_ = ids_.size();
}

}  // namespace rapport
