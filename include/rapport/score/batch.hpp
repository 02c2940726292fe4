#pragma once
/// \file Batch scores for analysts: every unit (or every relationship) at once, in one sequential pass
/// over the conversation columns, returned as plain columns (vectors of numbers, ids as uint32, statuses
/// as uint8) indexed by id: row i is unit (or relationship) id i, with status no_data for ids that name
/// nothing.
///
/// Every batch result is finished from a mergeable partial (integer counts, sums, sums of squares,
/// bucket counts, a per-relationship "had data" flag, latest-by-date): partials computed on partitions
/// of the conversations (organisations holding the same units and relationships) merge into exactly
/// the partial of the whole. unit_scores and unit_years give the results of their partial and finish
/// functions exactly; where the table is clustered they count respondents in the pass instead of
/// marking each relationship, which only merging needs.
///
/// A batch pass counts one scale (BatchOptions::scale, 0-10 by default); conversations on guides with
/// another scale are skipped and counted in `skipped_other_scale`. Run one batch per scale in use.
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "rapport/detail/column.hpp"
#include "rapport/score/common.hpp"
#include "rapport/score/nps.hpp"

namespace rapport {
class Organisation;
}

namespace rapport::score {

/// A column of a batch result or partial: a std::vector whose blocks from 64 KiB up live in their own
/// mappings (huge pages from 2 MiB), kept for reuse when released (detail::allocate_result). A fresh
/// 4 KiB page costs about 12 us to fault in on the virtual machines we measure on, so a year batch
/// over 100k units spent three quarters of its time on the page faults of its 50 MB of results; huge
/// pages take that from about 150 ms to a few.
template <class T>
using ResultColumn = std::vector<T, detail::MappedAllocator<T>>;

/// Dense per-relationship facts (provider, recipient, bond) the passes need, built once (O(relationships))
/// and reusable while the organisation's relationships stay the same; every batch call checks that.
class BatchIndex {
 public:
  explicit BatchIndex(const Organisation& org);
  /// True while `org` is the organisation indexed and no relationship was added or removed since
  /// (Organisation::relationships_version).
  bool valid_for(const Organisation& org) const;
  std::span<const std::uint32_t> providers() const { return provider_; }    ///< by relationship id
  std::span<const std::uint32_t> recipients() const { return recipient_; }  ///< by relationship id
  std::span<const std::uint8_t> bonds() const { return bond_; }             ///< by relationship id; 0xFF: none
  std::uint32_t relationship_bound() const { return std::uint32_t(provider_.size()); }
  /// Relationships by provider: those of unit u are provided_members()[offsets[u] .. offsets[u+1]).
  std::span<const std::uint32_t> provided_offsets() const { return provided_offsets_; }
  std::span<const std::uint32_t> provided_members() const { return provided_members_; }
  /// Groups of relationships between the same provider and recipient (service and leadership, say):
  /// offsets into shared_pair_members(), so a respondent is counted once.
  std::span<const std::uint32_t> shared_pair_offsets() const { return pair_offsets_; }
  std::span<const std::uint32_t> shared_pair_members() const { return pair_members_; }
  /// By relationship id: the first id after it whose provider (recipient) differs. The vector unit
  /// pass finds where a unit's rows end by comparing relationship ids with it.
  std::span<const std::uint32_t> provider_segment_ends() const { return provider_segment_end_; }
  std::span<const std::uint32_t> recipient_segment_ends() const { return recipient_segment_end_; }
  /// How many runs of consecutive ids share a provider (recipient): the vector pass does work per run,
  /// so it is chosen only when runs are long.
  std::uint32_t provider_segments() const { return provider_segments_; }
  std::uint32_t recipient_segments() const { return recipient_segments_; }

 private:
  const Organisation* org_ = nullptr;
  std::uint64_t relationships_version_ = 0;
  std::vector<std::uint32_t> provider_, recipient_;
  std::vector<std::uint8_t> bond_;
  std::vector<std::uint32_t> provided_offsets_, provided_members_;
  std::vector<std::uint32_t> pair_offsets_, pair_members_;
  std::vector<std::uint32_t> provider_segment_end_, recipient_segment_end_;
  std::uint32_t provider_segments_ = 0, recipient_segments_ = 0;
};

/// One organisation's BatchIndex kept across calls (the bindings hold one per organisation handle):
/// building it took 20-25 ms for 1.25M relationships, twice the unit pass over their 10M
/// conversations. get()
/// returns the kept index while it is valid for `org` and builds a new one otherwise. Thread-safe;
/// the caller keeps `org` unchanged while it uses the index. Holds the index's memory (about 17 bytes
/// per relationship and 4 per unit) until the next rebuild or its own end.
class BatchIndexCache {
 public:
  std::shared_ptr<const BatchIndex> get(const Organisation& org);

 private:
  std::mutex mu_;
  std::shared_ptr<const BatchIndex> index_;
};

/// Whose view a per-unit batch takes. Values are stable.
enum class Role : std::uint8_t {
  provider = 0,   ///< scores on relationships the unit provides: what its customers say (the default)
  recipient = 1,  ///< scores the unit gave: one respondent, so as aggregates they are always suppressed
};

struct BatchOptions {
  Role role = Role::provider;
  Scale scale{0, 10};                       ///< the scale counted
  NpsPreset preset = NpsPreset::standard;   ///< NPS columns are filled only when `scale` is 0-10
  Privacy privacy;
};

/// Mergeable per-unit state: integer sums by unit id, and per relationship whether it had a counted
/// conversation (for distinct respondents and complementary suppression).
struct UnitPartial {
  Scale scale{0, 10};
  Role role = Role::provider;
  NpsPreset preset = NpsPreset::standard;
  Filter filter;
  ResultColumn<std::int64_t> n, sum, sumsq, promoters, passives, detractors;  ///< by unit id
  ResultColumn<std::uint8_t> had;  ///< by relationship id
  std::int64_t skipped_other_scale = 0;
  /// Throws ValidationError when the partials were made with different options or organisations' shapes.
  void merge(const UnitPartial& o);
  friend bool operator==(const UnitPartial&, const UnitPartial&) = default;
};

/// Per-unit (or per-subtree, or per-relationship) satisfaction and NPS, as columns.
struct ScoreColumns {
  ResultColumn<std::uint32_t> id;        ///< unit or relationship id (= row index)
  ResultColumn<std::uint8_t> status;     ///< Status: no_data, suppressed, suppressed_complementary, ok
  ResultColumn<std::int64_t> n, respondents;
  ResultColumn<double> mean, sd;         ///< on BatchOptions::scale; sd is the population sd
  ResultColumn<double> mean_normalised;  ///< 0-100
  ResultColumn<std::int64_t> promoters, passives, detractors;  ///< empty unless the scale is 0-10
  ResultColumn<double> nps, nps_se;                            ///< empty unless the scale is 0-10
  std::int64_t skipped_other_scale = 0;
  friend bool operator==(const ScoreColumns&, const ScoreColumns&) = default;
};

UnitPartial unit_partial(const Organisation& org, const BatchIndex& index, const Filter& filter = {},
                         const BatchOptions& options = {});
/// Finishes a (merged) partial: statistics, distinct respondents and privacy. Unit reports are never
/// withheld to protect another group (privacy.hpp), so they need primary suppression only.
ScoreColumns finish_units(const UnitPartial& partial, const Organisation& org, const BatchIndex& index,
                          const Privacy& privacy = {});
/// Every unit's satisfaction and NPS in one pass: finish_units(unit_partial(...)).
ScoreColumns unit_scores(const Organisation& org, const BatchIndex& index, const Filter& filter = {},
                         const BatchOptions& options = {});
/// Every unit's subtree (the unit and all below it, as providers), from a provider-role partial, with
/// complementary suppression (a plan over the hierarchy: O(units + relationships)).
ScoreColumns finish_subtrees(const UnitPartial& partial, const Organisation& org, const BatchIndex& index,
                             const Privacy& privacy = {});
ScoreColumns subtree_scores(const Organisation& org, const BatchIndex& index, const Filter& filter = {},
                            const BatchOptions& options = {});

/// Every relationship's satisfaction and NPS (named one-to-one scores: ok or no_data, never suppressed).
ScoreColumns relationship_scores(const Organisation& org, const BatchIndex& index, const Filter& filter = {},
                                 const BatchOptions& options = {});

/// The latest scored conversation of every relationship (by date, then conversation id), on any scale.
/// Also its own mergeable partial: merge() keeps the later of two.
struct LatestColumns {
  ResultColumn<std::uint32_t> relationship;  ///< = row index
  ResultColumn<std::uint8_t> status;         ///< ok or no_data
  ResultColumn<std::uint32_t> conversation;  ///< 0xFFFFFFFF when none
  ResultColumn<std::int32_t> date;           ///< days since 1970-01-01
  ResultColumn<std::uint8_t> score;          ///< on the guide's scale
  ResultColumn<double> score_normalised;     ///< 0-100
  void merge(const LatestColumns& o);
  friend bool operator==(const LatestColumns&, const LatestColumns&) = default;
};
LatestColumns latest_scores(const Organisation& org, const BatchIndex& index, const Filter& filter = {});

/// Mergeable per (unit, year) sums for years first_year..last_year.
struct YearPartial {
  int first_year = 0, last_year = -1;
  Scale scale{0, 10};
  Role role = Role::provider;
  Filter filter;
  ResultColumn<std::int64_t> n, sum, sumsq;  ///< index unit * years + (year - first_year)
  ResultColumn<std::uint32_t> had_years;     ///< by relationship id: bit y set when it had data in year y
  std::int64_t skipped_other_scale = 0;
  int years() const { return last_year - first_year + 1; }
  void merge(const YearPartial& o);
  friend bool operator==(const YearPartial&, const YearPartial&) = default;
};

/// Per (unit, year) mean and the change against the previous year, unit-major: row = unit * years + y.
struct YearColumns {
  int first_year = 0, last_year = -1;
  ResultColumn<std::uint32_t> unit;
  ResultColumn<std::int32_t> year;
  ResultColumn<std::uint8_t> status;  ///< of the year's mean (privacy per year's reports)
  ResultColumn<std::int64_t> n, respondents;
  ResultColumn<double> mean, sd;      ///< on the scale
  /// Change from the previous year: ok only when both years are ok (never for first_year).
  ResultColumn<std::uint8_t> change_status;
  ResultColumn<double> delta;         ///< mean(year) - mean(year - 1), on the scale
  ResultColumn<double> delta_se;      ///< Welch, sample variances; valid where has_se
  ResultColumn<std::uint8_t> has_se;  ///< both years have at least two answers
  std::int64_t skipped_other_scale = 0;
  friend bool operator==(const YearColumns&, const YearColumns&) = default;
};

/// At most 32 years. filter.period must be unset (the years are the periods).
YearPartial year_partial(const Organisation& org, const BatchIndex& index, int first_year, int last_year,
                         const Filter& filter = {}, const BatchOptions& options = {});
YearColumns finish_years(const YearPartial& partial, const Organisation& org, const BatchIndex& index,
                         const Privacy& privacy = {});
/// Per-unit year-over-year change for every unit and year in one pass: finish_years(year_partial(...)).
YearColumns unit_years(const Organisation& org, const BatchIndex& index, int first_year, int last_year,
                       const Filter& filter = {}, const BatchOptions& options = {});

}  // namespace rapport::score
