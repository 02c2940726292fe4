#include "rapport/conversation_table.hpp"

#include <algorithm>
#include <numeric>

namespace rapport {
namespace {

// Rows sort by (relationship, date, id); the first two pack into one key.
inline std::uint64_t cluster_key(std::uint32_t rel, std::int32_t date) {
  return (std::uint64_t(rel) << 32) | (std::uint32_t(date) ^ 0x80000000u);
}

template <class T>
void gather(std::vector<T>& column, const std::vector<std::uint32_t>& order) {
  std::vector<T> out(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) out[i] = column[order[i]];
  column.swap(out);
}

std::uint8_t pack_score(const std::optional<int>& s) {
  return s ? std::uint8_t(*s) : ConversationTable::no_score;
}
std::optional<int> unpack_score(std::uint8_t s) {
  return s == ConversationTable::no_score ? std::nullopt : std::optional<int>(s);
}

}  // namespace

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
         guides_.capacity() * 4 + scores_.capacity() + self_.capacity() + row_of_.capacity() * 4;
}

void ConversationTable::reserve(std::size_t n) {
  ids_.reserve(n), relationships_.reserve(n), dates_.reserve(n), kinds_.reserve(n);
  guides_.reserve(n), scores_.reserve(n), self_.reserve(n), row_of_.reserve(n);
}

ConversationId ConversationTable::append(const ConversationFacts& f) {
  ConversationId id{std::uint32_t(row_of_.size())};
  row_of_.push_back(std::uint32_t(ids_.size()));
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
    // Its place in the clustered order changes: leave a tombstone and re-append under the same id.
    std::uint32_t id = ids_[row];
    remove(row);
    row_of_[id] = std::uint32_t(ids_.size());
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
  row_of_[ids_[row]] = no_row;
  kinds_[row] = removed_kind;
  scores_[row] = self_[row] = no_score;
  --live_;
}

void ConversationTable::merge_if_due() {
  std::size_t tail = rows() - sorted_, dead = rows() - live_;
  if (tail > std::max<std::size_t>(1 << 16, sorted_ / 8) || dead > std::max<std::size_t>(1 << 16, live_ / 4)) merge();
}

void ConversationTable::merge() {
  if (compact()) return;
  auto key_less = [&](std::uint32_t a, std::uint32_t b) {
    auto ka = cluster_key(relationships_[a], dates_[a]), kb = cluster_key(relationships_[b], dates_[b]);
    return ka != kb ? ka < kb : ids_[a] < ids_[b];
  };
  // Fast path for appends in order (bulk loads, a nightly sync by date): the tail extends the
  // sorted part as it is, and nothing moves.
  if (live_ == rows()) {
    bool in_order = true;
    for (std::size_t r = std::max<std::size_t>(sorted_, 1); r < rows() && in_order; ++r)
      in_order = key_less(std::uint32_t(r - 1), std::uint32_t(r));
    if (in_order) {
      sorted_ = rows();
      return;
    }
  }
  std::vector<std::uint32_t> order;
  order.reserve(live_);
  for (std::uint32_t r = 0; r < sorted_; ++r)
    if (live(r)) order.push_back(r);
  auto mid = order.size();
  for (std::uint32_t r = std::uint32_t(sorted_); r < rows(); ++r)
    if (live(r)) order.push_back(r);
  // Bulk loads usually arrive in order already; then the sort is a linear check.
  if (!std::is_sorted(order.begin() + std::ptrdiff_t(mid), order.end(), key_less))
    std::sort(order.begin() + std::ptrdiff_t(mid), order.end(), key_less);
  std::inplace_merge(order.begin(), order.begin() + std::ptrdiff_t(mid), order.end(), key_less);

  gather(ids_, order), gather(relationships_, order), gather(dates_, order), gather(kinds_, order);
  gather(guides_, order), gather(scores_, order), gather(self_, order);
  sorted_ = live_ = ids_.size();
  rebuild_row_index();
}

void ConversationTable::rebuild_row_index() {
  std::fill(row_of_.begin(), row_of_.end(), no_row);
  for (std::size_t r = 0; r < ids_.size(); ++r)
    if (live(r)) row_of_[ids_[r]] = std::uint32_t(r);
}

}  // namespace rapport
