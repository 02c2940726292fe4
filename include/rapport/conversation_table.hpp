#pragma once
/// \file Conversation facts stored column-wise, clustered by relationship and date.
///
/// Scores scan millions of conversations; a row of facts is 23 bytes spread over seven columns, and
/// the rows are kept sorted by (relationship, date, id) so that a pass over all conversations touches
/// each relationship's rows as one contiguous run. New rows are appended to an unsorted tail that is
/// merged into the sorted part when it grows beyond an eighth of it (amortised O(1) per insert).
/// Removed rows stay as tombstones (kind == removed_kind) until the next merge.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "rapport/conversation.hpp"
#include "rapport/detail/column.hpp"

namespace rapport {

namespace detail {
struct Access;
}

/// Conversation id -> row. Ids are never reused, so the id bound can far exceed the live rows (after
/// deletions, or in a forged file); the index is paged and allocates a page of 16384 ids only where a
/// live id falls, so its cost follows the live rows, plus at most 6 MiB of page table for 2^32 ids.
class RowIndex {
 public:
  static constexpr std::uint32_t none = 0xFFFFFFFFu;

  std::uint32_t bound() const { return bound_; }
  /// Grows or shrinks the id range; new ids map to none.
  void resize(std::uint32_t bound);
  /// Grows the id range to `bound` (not below bound()) with a page for every new id, so that set()
  /// for them cannot throw. All or nothing: if an allocation fails, the index is as it was.
  void extend(std::uint32_t bound);
  /// The row of `id` (which must be below bound()), or none.
  std::uint32_t get(std::uint32_t id) const {
    const auto& page = pages_[id >> page_bits];
    return page.empty() ? none : page[id & page_mask];
  }
  /// Allocates the page of `id` if it has none yet (never after extend() for a new id).
  void set(std::uint32_t id, std::uint32_t row) {
    auto& page = pages_[id >> page_bits];
    if (page.empty()) page.assign(page_size, none);
    page[id & page_mask] = row;
  }
  /// Asks the CPU to fetch the entry of `id` ahead of a scattered access.
  void prefetch(std::uint32_t id) const {
    const auto& page = pages_[id >> page_bits];
    if (!page.empty()) __builtin_prefetch(page.data() + (id & page_mask), 1);
  }
  /// Sets ids[r] -> r for every row whose kind is not ConversationTable::removed_kind, checking that
  /// none repeats; returns the first repeated row, or ids.size(). The id range must cover every id.
  std::size_t assign(std::span<const std::uint32_t> ids, std::span<const std::uint8_t> kinds);
  std::size_t memory_bytes() const;

 private:
  static constexpr unsigned page_bits = 14;
  static constexpr std::uint32_t page_size = 1u << page_bits, page_mask = page_size - 1;
  std::vector<std::vector<std::uint32_t>> pages_;
  std::uint32_t bound_ = 0;
};

class ConversationTable;

/// The id -> row index, built on the first lookup by id rather than by every load and merge: scores
/// never look a row up by id, and building the index is a scatter over all of it, the dearest step of
/// a load. Concurrent readers build it once, under the lock; mutators (which have the table to
/// themselves) keep it current while it exists, and a merge drops it.
class LazyRowIndex {
 public:
  LazyRowIndex() = default;
  LazyRowIndex(const LazyRowIndex& o);
  LazyRowIndex(LazyRowIndex&& o) noexcept;
  LazyRowIndex& operator=(const LazyRowIndex& o);
  LazyRowIndex& operator=(LazyRowIndex&& o) noexcept;

  /// The index of the table's live rows; built now if it is not yet (std::bad_alloc if that fails,
  /// and the index stays unbuilt).
  const RowIndex& get(const ConversationTable& t) const {
    if (!built_.load(std::memory_order_acquire)) build(t);
    return index_;
  }
  /// The index for a mutator to keep current, or null while it is not built.
  RowIndex* if_built() { return built_.load(std::memory_order_relaxed) ? &index_ : nullptr; }
  void drop() noexcept;
  std::size_t memory_bytes() const;

 private:
  void build(const ConversationTable& t) const;
  mutable RowIndex index_;
  mutable std::atomic<bool> built_{false};
  mutable std::mutex mutex_;
};

class ConversationTable {
 public:
  static constexpr std::uint8_t no_score = 0xFF;      ///< in the score columns: no score given
  static constexpr std::uint8_t removed_kind = 0xFF;  ///< in the kind column: a tombstone
  static constexpr std::uint32_t no_row = 0xFFFFFFFFu;

  std::size_t size() const { return live_; }          ///< live conversations
  std::size_t rows() const { return ids_.size(); }    ///< physical rows, tombstones included
  std::size_t sorted_rows() const { return sorted_; } ///< rows [0, sorted_rows) are clustered
  bool compact() const { return sorted_ == ids_.size() && live_ == ids_.size(); }
  std::uint32_t id_bound() const { return next_id_; }  ///< every id is below this

  // Columns, one entry per physical row.
  std::span<const std::uint32_t> ids() const { return ids_; }
  std::span<const std::uint32_t> relationships() const { return relationships_; }
  std::span<const std::int32_t> dates() const { return dates_; }     ///< days since 1970-01-01
  std::span<const std::uint8_t> kinds() const { return kinds_; }     ///< ConversationKind or removed_kind
  std::span<const std::uint32_t> guides() const { return guides_; }
  std::span<const std::uint8_t> scores() const { return scores_; }   ///< on the guide's scale, or no_score
  std::span<const std::uint8_t> self_assessments() const { return self_; }

  bool live(std::size_t row) const { return kinds_[row] != removed_kind; }
  /// The row of a live conversation, if there is one. The first lookup builds the id index
  /// (std::bad_alloc if it cannot).
  std::optional<std::size_t> row_of(ConversationId id) const {
    std::uint32_t row = id.value < next_id_ ? row_of_.get(*this).get(id.value) : no_row;
    if (row == no_row) return std::nullopt;
    return row;
  }
  ConversationFacts facts(std::size_t row) const;
  /// Rows of `rel` within the sorted part (the tail must be searched separately).
  std::pair<std::size_t, std::size_t> sorted_range(RelationshipId rel) const;

  /// Bytes held by the columns and the id index (capacity, not size).
  std::size_t memory_bytes() const;

 private:
  friend class Organisation;
  friend struct detail::Access;

  // Every mutator below either succeeds or throws (std::bad_alloc) with the table as it was.

  /// Room for `rows` rows in every column, growing geometrically (max(rows, 2 * capacity)), so that
  /// appending up to that many rows cannot throw. Changes only the capacity.
  void make_room(std::size_t rows);
  ConversationId append(const ConversationFacts& f);  ///< assigns the next id; f.id is ignored
  void set(std::size_t row, const ConversationFacts& f);
  void remove(std::size_t row);  ///< leaves a tombstone; cannot throw (a live id has its page)
  /// Sorts the tail, merges it into the sorted part and drops tombstones, and the live rows
  /// `drop_rows` (ascending) as well. Builds the new columns and id index aside and swaps them in.
  void merge(std::span<const std::uint32_t> drop_rows = {});
  /// merge() when the tail or the tombstones have grown enough. Out of memory, it leaves the table
  /// as it was (merging is housekeeping that every reader can do without) and tries again next time.
  void merge_if_due();

  detail::Column<std::uint32_t> ids_, relationships_;
  detail::Column<std::int32_t> dates_;
  detail::Column<std::uint8_t> kinds_;
  detail::Column<std::uint32_t> guides_;
  detail::Column<std::uint8_t> scores_, self_;
  LazyRowIndex row_of_;
  std::uint32_t next_id_ = 0;  ///< the id the next conversation gets
  std::size_t sorted_ = 0;
  std::size_t live_ = 0;
};

}  // namespace rapport
