"""Type stubs for rapport.score (the native submodule `rapport._rapport.score`).

Every score takes the organisation first and keywords after it:
  scope    relationship= | unit= (with side=) | subtree= ; none of them: the whole organisation
  filter   period= (Period, (begin, end) or a year), kinds= (a kind, kinds, or "reviews"), bonds=, guide=
  privacy  min_group=5, min_group_text=10, complementary=True
  explain  explain=True fills `records` with the records behind the value
Values that are not ok (no data, suppressed) are None on results and NaN in DataFrames.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, overload

import numpy as np

from ._rapport import (
    Band,
    CsatPreset,
    DateLike,
    GapKind,
    GuideLike,
    HealthComponent,
    Measure,
    NpsPreset,
    Organisation,
    PeriodLike,
    RecordKind,
    RelationshipLike,
    ReplacementCost,
    RetentionFactor,
    Role,
    Scale,
    ScaleLike,
    ServqualDimension,
    ServqualMode,
    Side,
    Status,
    UnitLike,
    ConversationKind,
    Bond,
    Guide,
)

DataFrame = Any  # rapport.ScoreFrame / pandas.DataFrame (pandas is imported lazily)
Kinds = ConversationKind | str | int | Iterable[ConversationKind | str | int] | None
Bonds = Bond | str | int | Iterable[Bond | str | int] | None

class Contribution:
    @property
    def kind(self) -> RecordKind: ...
    @property
    def id(self) -> int: ...
    @property
    def value(self) -> float: ...
    @property
    def contribution(self) -> float: ...

class _Status:
    @property
    def status(self) -> Status: ...
    @property
    def ok(self) -> bool: ...

class _Result(_Status):
    @property
    def records(self) -> list[Contribution]: ...
    def records_frame(self) -> DataFrame: ...

class SatisfactionStats(_Result):
    n: int
    respondents: int
    @property
    def scale(self) -> Scale | None: ...
    @property
    def mean(self) -> float | None: ...
    @property
    def sd(self) -> float | None: ...
    @property
    def mean_normalised(self) -> float | None: ...
    @property
    def sd_normalised(self) -> float | None: ...
    @property
    def distribution(self) -> dict[int, int] | None: ...

class NpsResult(_Result):
    n: int
    respondents: int
    promoters: int
    passives: int
    detractors: int
    @property
    def nps(self) -> float | None: ...
    @property
    def se(self) -> float | None: ...

class CsatResult(_Result):
    n: int
    respondents: int
    scale: Scale
    @property
    def value(self) -> float | None: ...
    @property
    def value_normalised(self) -> float | None: ...

class TrendResult(_Result):
    before: SatisfactionStats
    after: SatisfactionStats
    @property
    def delta(self) -> float | None: ...
    @property
    def delta_scale(self) -> float | None: ...
    @property
    def se(self) -> float | None: ...

class CoverageResult(_Result):
    relationships: int
    covered: int
    @property
    def share(self) -> float | None: ...
    @property
    def overdue(self) -> DataFrame: ...

class ReliabilityCounts:
    due: int
    kept: int
    broken: int
    dropped: int
    open: int
    kept_on_time: int
    open_overdue: int

class ReliabilityResult(_Result):
    counts: ReliabilityCounts
    @property
    def reliability(self) -> float | None: ...
    @property
    def on_time_share(self) -> float | None: ...

class GapResult(_Result):
    n: int
    respondents: int
    @property
    def self_mean(self) -> float | None: ...
    @property
    def others_mean(self) -> float | None: ...
    @property
    def gap(self) -> float | None: ...
    @property
    def gap_scale(self) -> float | None: ...
    @property
    def kind(self) -> GapKind | None: ...
    @property
    def significant(self) -> bool: ...

class BlindSpots:
    @property
    def relationships(self) -> DataFrame: ...
    @property
    def units(self) -> DataFrame: ...

class Reciprocity(_Result):
    a: int
    b: int
    n_a_of_b: int
    n_b_of_a: int
    @property
    def a_of_b(self) -> float | None: ...
    @property
    def b_of_a(self) -> float | None: ...
    @property
    def difference(self) -> float | None: ...

class LocalOptimiserResult(_Result):
    n_payer: int
    n_fabric: int
    respondents_fabric: int
    @property
    def payer_mean(self) -> float | None: ...
    @property
    def fabric_mean(self) -> float | None: ...
    @property
    def index(self) -> float | None: ...
    @property
    def se(self) -> float | None: ...
    @property
    def flagged(self) -> bool: ...

class HealthWeights:
    satisfaction: float
    trend: float
    reliability: float
    recency: float
    complaints: float
    def __init__(self, *, satisfaction: float = 0.40, trend: float = 0.15, reliability: float = 0.20,
                 recency: float = 0.15, complaints: float = 0.10) -> None: ...

class HealthPart:
    component: HealthComponent
    status: Status
    weight: float
    contribution: float
    records: list[Contribution]
    @property
    def score(self) -> float | None: ...
    def records_frame(self) -> DataFrame: ...

class HealthResult(_Status):
    @property
    def health(self) -> float | None: ...
    @property
    def band(self) -> Band | None: ...
    @property
    def parts(self) -> list[HealthPart]: ...
    def to_frame(self) -> DataFrame: ...
    def _repr_html_(self) -> str: ...

class RetentionWeights:
    satisfaction: float
    trend: float
    recency: float
    broken_agreements: float
    def __init__(self, *, satisfaction: float = 0.40, trend: float = 0.20, recency: float = 0.20,
                 broken_agreements: float = 0.20) -> None: ...

class RetentionPart:
    factor: RetentionFactor
    status: Status
    weight: float
    contribution: float
    records: list[Contribution]
    @property
    def risk(self) -> float | None: ...
    def records_frame(self) -> DataFrame: ...

class RetentionRisk(_Status):
    employee: int
    @property
    def risk(self) -> float | None: ...
    @property
    def parts(self) -> list[RetentionPart]: ...
    def to_frame(self) -> DataFrame: ...

class ReplacementRange:
    low: float
    high: float
    citation: str

class CostOfLoss:
    replacement_low: float
    replacement_high: float
    expected_low: float
    expected_high: float

class ServqualDimensionResult:
    dimension: ServqualDimension
    status: Status
    n: int
    respondents: int
    records: list[Contribution]
    @property
    def ok(self) -> bool: ...
    @property
    def perception(self) -> float | None: ...
    @property
    def expectation(self) -> float | None: ...
    @property
    def value(self) -> float | None: ...

class ServqualResult:
    status: Status
    mode: ServqualMode
    scale: Scale | None
    invalid_answers: int
    @property
    def ok(self) -> bool: ...
    @property
    def dimensions(self) -> list[ServqualDimensionResult]: ...
    @property
    def overall(self) -> float | None: ...
    def to_frame(self) -> DataFrame: ...

class SuppressionPlan:
    def unit(self, unit: UnitLike) -> Status: ...
    def side(self, unit: UnitLike, side: Side | str) -> Status: ...
    def subtree(self, unit: UnitLike) -> Status: ...
    def organisation(self) -> Status: ...
    def status(self, *, relationship: RelationshipLike | None = None, unit: UnitLike | None = None,
               side: Side | str | None = None, subtree: UnitLike | None = None) -> Status: ...
    @property
    def complementary_count(self) -> int: ...
    @property
    def measure(self) -> Measure: ...
    def to_frame(self) -> DataFrame: ...

class TextAnswers:
    status: Status
    respondents: int
    conversations: list[int]
    texts: list[str]
    @property
    def ok(self) -> bool: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[str]: ...

# Owners of batch results: the base objects of the DataFrames' NumPy columns.
class ScoreColumns:
    skipped_other_scale: int
    def __len__(self) -> int: ...
class YearColumns:
    first_year: int
    last_year: int
    def __len__(self) -> int: ...
class LatestColumns:
    def __len__(self) -> int: ...
class LocalOptimiserColumns:
    def __len__(self) -> int: ...
class UnitPartial:
    skipped_other_scale: int
    def merge(self, other: UnitPartial) -> None: ...
class YearPartial:
    def merge(self, other: YearPartial) -> None: ...

# --- one score at a time --------------------------------------------------------------------------
def satisfaction(org: Organisation, *, relationship: RelationshipLike | None = None, unit: UnitLike | None = None,
                 side: Side | str | None = None, subtree: UnitLike | None = None, period: PeriodLike | None = None,
                 kinds: Kinds = None, bonds: Bonds = None, guide: GuideLike | None = None, min_group: int = 5,
                 min_group_text: int = 10, complementary: bool = True, explain: bool = False) -> SatisfactionStats: ...
def satisfaction_by_year(org: Organisation, first_year: int, last_year: int, *, relationship: RelationshipLike | None = None,
                         unit: UnitLike | None = None, side: Side | str | None = None, subtree: UnitLike | None = None,
                         kinds: Kinds = None, bonds: Bonds = None, guide: GuideLike | None = None, min_group: int = 5,
                         min_group_text: int = 10, complementary: bool = True, explain: bool = False) -> DataFrame: ...
def nps(org: Organisation, *, relationship: RelationshipLike | None = None, unit: UnitLike | None = None,
        side: Side | str | None = None, subtree: UnitLike | None = None, period: PeriodLike | None = None,
        kinds: Kinds = None, bonds: Bonds = None, guide: GuideLike | None = None, preset: NpsPreset | str = ...,
        min_group: int = 5, min_group_text: int = 10, complementary: bool = True, explain: bool = False) -> NpsResult: ...
def nps_of_scores(scores: Iterable[int], preset: NpsPreset | str = ...) -> NpsResult: ...
def nps_of_counts(promoters: int, passives: int, detractors: int) -> NpsResult: ...
def csat(org: Organisation, *, relationship: RelationshipLike | None = None, unit: UnitLike | None = None,
         side: Side | str | None = None, subtree: UnitLike | None = None, period: PeriodLike | None = None,
         kinds: Kinds = None, bonds: Bonds = None, guide: GuideLike | None = None, preset: CsatPreset | str = ...,
         min_group: int = 5, min_group_text: int = 10, complementary: bool = True, explain: bool = False) -> CsatResult: ...
def trend(org: Organisation, before: PeriodLike, after: PeriodLike, *, relationship: RelationshipLike | None = None,
          unit: UnitLike | None = None, side: Side | str | None = None, subtree: UnitLike | None = None,
          kinds: Kinds = None, bonds: Bonds = None, guide: GuideLike | None = None, min_group: int = 5,
          min_group_text: int = 10, complementary: bool = True, explain: bool = False) -> TrendResult: ...
def year_over_year(org: Organisation, year: int, *, relationship: RelationshipLike | None = None,
                   unit: UnitLike | None = None, side: Side | str | None = None, subtree: UnitLike | None = None,
                   kinds: Kinds = None, bonds: Bonds = None, guide: GuideLike | None = None, min_group: int = 5,
                   min_group_text: int = 10, complementary: bool = True, explain: bool = False) -> TrendResult: ...
def coverage(org: Organisation, as_of: DateLike | None = None, *, relationship: RelationshipLike | None = None,
             unit: UnitLike | None = None, side: Side | str | None = None, subtree: UnitLike | None = None,
             kinds: Kinds = "reviews", explain: bool = False) -> CoverageResult: ...
def reliability(org: Organisation, period: PeriodLike | None = None, as_of: DateLike | None = None, *,
                relationship: RelationshipLike | None = None, unit: UnitLike | None = None,
                side: Side | str | None = None, subtree: UnitLike | None = None,
                explain: bool = False) -> ReliabilityResult: ...
def perception_gap(org: Organisation, *, relationship: RelationshipLike | None = None, unit: UnitLike | None = None,
                   side: Side | str | None = None, subtree: UnitLike | None = None, period: PeriodLike | None = None,
                   kinds: Kinds = None, bonds: Bonds = None, guide: GuideLike | None = None, min_group: int = 5,
                   min_group_text: int = 10, complementary: bool = True, explain: bool = False) -> GapResult: ...
def significant_gaps(org: Organisation, *, period: PeriodLike | None = None, kinds: Kinds = None, bonds: Bonds = None,
                     guide: GuideLike | None = None, min_group: int = 5, min_group_text: int = 10,
                     complementary: bool = True) -> BlindSpots: ...
def classify_gap(gap_normalised: float) -> GapKind: ...
def reciprocity(org: Organisation, a: UnitLike, b: UnitLike, *, period: PeriodLike | None = None, kinds: Kinds = None,
                bonds: Bonds = None, guide: GuideLike | None = None, explain: bool = False) -> Reciprocity: ...
def reciprocal_pairs(org: Organisation, *, period: PeriodLike | None = None, kinds: Kinds = None, bonds: Bonds = None,
                     guide: GuideLike | None = None) -> DataFrame: ...
def local_optimiser(org: Organisation, unit: UnitLike, *, period: PeriodLike | None = None, kinds: Kinds = None,
                    bonds: Bonds = None, guide: GuideLike | None = None, min_index: float = 20.0, min_z: float = 1.96,
                    exclude_payer_from_fabric: bool = False, min_group: int = 5, min_group_text: int = 10,
                    complementary: bool = True, explain: bool = False) -> LocalOptimiserResult: ...
def health(org: Organisation, as_of: DateLike | None = None, *, relationship: RelationshipLike | None = None,
           unit: UnitLike | None = None, side: Side | str | None = None, subtree: UnitLike | None = None,
           weights: HealthWeights | Mapping[str, float] | None = None, min_group: int = 5, min_group_text: int = 10,
           complementary: bool = True, explain: bool = False) -> HealthResult: ...
def band_of(health: float) -> Band: ...
def retention_risk(org: Organisation, employee: UnitLike, as_of: DateLike | None = None, *,
                   weights: RetentionWeights | Mapping[str, float] | None = None,
                   explain: bool = False) -> RetentionRisk: ...
def retention_risks(org: Organisation, as_of: DateLike | None = None, *, units: Iterable[UnitLike] | None = None,
                    weights: RetentionWeights | Mapping[str, float] | None = None,
                    salary: float | Mapping[Any, float] | Any | None = None,
                    preset: ReplacementCost | str = ...) -> DataFrame: ...
def replacement_range(preset: ReplacementCost | str = ...) -> ReplacementRange: ...
def expected_cost_of_loss(risk: float, annual_salary: float, preset: ReplacementCost | str = ...) -> CostOfLoss: ...
def servqual(org: Organisation, *, relationship: RelationshipLike | None = None, unit: UnitLike | None = None,
             side: Side | str | None = None, subtree: UnitLike | None = None, period: PeriodLike | None = None,
             kinds: Kinds = None, bonds: Bonds = None, guide: GuideLike | None = None, mode: ServqualMode | str = ...,
             min_group: int = 5, min_group_text: int = 10, complementary: bool = True,
             explain: bool = False) -> ServqualResult: ...
def add_servqual_guide(org: Organisation, key: str = "servqual", scale: ScaleLike = (1, 7)) -> Guide: ...
def parse_servqual_key(question_key: str) -> dict[str, Any] | None: ...
def plan_suppression(org: Organisation, *, period: PeriodLike | None = None, kinds: Kinds = None, bonds: Bonds = None,
                     guide: GuideLike | None = None, measure: Measure | str = ..., min_group: int = 5,
                     min_group_text: int = 10, complementary: bool = True) -> SuppressionPlan: ...
def free_text(org: Organisation, question: str, *, relationship: RelationshipLike | None = None,
              unit: UnitLike | None = None, side: Side | str | None = None, subtree: UnitLike | None = None,
              period: PeriodLike | None = None, kinds: Kinds = None, bonds: Bonds = None, guide: GuideLike | None = None,
              min_group: int = 5, min_group_text: int = 10, complementary: bool = True) -> TextAnswers: ...
def latest_date(org: Organisation) -> datetime.date: ...

# --- batch forms: ScoreFrames whose numeric columns share memory with the core's results ------------
def unit_scores(org: Organisation, *, period: PeriodLike | None = None, kinds: Kinds = None, bonds: Bonds = None,
                guide: GuideLike | None = None, role: Role | str = ..., scale: ScaleLike = (0, 10),
                preset: NpsPreset | str = ..., min_group: int = 5, min_group_text: int = 10,
                complementary: bool = True) -> DataFrame: ...
def subtree_scores(org: Organisation, *, period: PeriodLike | None = None, kinds: Kinds = None, bonds: Bonds = None,
                   guide: GuideLike | None = None, role: Role | str = ..., scale: ScaleLike = (0, 10),
                   preset: NpsPreset | str = ..., min_group: int = 5, min_group_text: int = 10,
                   complementary: bool = True) -> DataFrame: ...
def relationship_scores(org: Organisation, *, period: PeriodLike | None = None, kinds: Kinds = None,
                        bonds: Bonds = None, guide: GuideLike | None = None, role: Role | str = ...,
                        scale: ScaleLike = (0, 10), preset: NpsPreset | str = ..., min_group: int = 5,
                        min_group_text: int = 10, complementary: bool = True) -> DataFrame: ...
def latest_scores(org: Organisation, *, period: PeriodLike | None = None, kinds: Kinds = None, bonds: Bonds = None,
                  guide: GuideLike | None = None) -> DataFrame: ...
def unit_years(org: Organisation, first_year: int, last_year: int, *, kinds: Kinds = None, bonds: Bonds = None,
               guide: GuideLike | None = None, role: Role | str = ..., scale: ScaleLike = (0, 10),
               preset: NpsPreset | str = ..., min_group: int = 5, min_group_text: int = 10,
               complementary: bool = True) -> DataFrame: ...
def local_optimisers(org: Organisation, *, period: PeriodLike | None = None, kinds: Kinds = None, bonds: Bonds = None,
                     guide: GuideLike | None = None, min_index: float = 20.0, min_z: float = 1.96,
                     exclude_payer_from_fabric: bool = False, min_group: int = 5, min_group_text: int = 10,
                     complementary: bool = True) -> DataFrame: ...
def health_table(org: Organisation, as_of: DateLike | None = None, *, of: str = "units",
                 weights: HealthWeights | Mapping[str, float] | None = None, min_group: int = 5,
                 min_group_text: int = 10, complementary: bool = True) -> DataFrame: ...
def unit_partial(org: Organisation, *, period: PeriodLike | None = None, kinds: Kinds = None, bonds: Bonds = None,
                 guide: GuideLike | None = None, role: Role | str = ..., scale: ScaleLike = (0, 10),
                 preset: NpsPreset | str = ...) -> UnitPartial: ...
def finish_units(partial: UnitPartial, org: Organisation, *, min_group: int = 5, min_group_text: int = 10,
                 complementary: bool = True) -> DataFrame: ...
def finish_subtrees(partial: UnitPartial, org: Organisation, *, min_group: int = 5, min_group_text: int = 10,
                    complementary: bool = True) -> DataFrame: ...
def year_partial(org: Organisation, first_year: int, last_year: int, *, kinds: Kinds = None, bonds: Bonds = None,
                 guide: GuideLike | None = None, role: Role | str = ..., scale: ScaleLike = (0, 10),
                 preset: NpsPreset | str = ...) -> YearPartial: ...
def finish_years(partial: YearPartial, org: Organisation, *, min_group: int = 5, min_group_text: int = 10,
                 complementary: bool = True) -> DataFrame: ...
