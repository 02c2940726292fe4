"""rapport: an organisation's stakeholder relationships, conversations and comparable, explainable scores.

    >>> import rapport
    >>> org = rapport.Organisation()
    >>> hr = org.add_unit("hr", "Human Resources", kind="department")

Everything lives in an :class:`Organisation`; records come back as snapshots, changes go through the
Organisation's methods; bulk data goes in and out as pandas DataFrames or NumPy arrays.
"""
from __future__ import annotations

import sys as _sys

from . import _rapport
from ._rapport import (
    Agreement,
    AgreementStatus,
    ArchiveError,
    ArchiveTooNew,
    Band,
    Bond,
    Bone,
    Complaint,
    ComplaintOutcome,
    ComplaintStage,
    ConflictError,
    Conversation,
    ConversationKind,
    CorruptArchive,
    CsatPreset,
    DuplicateError,
    ErasureReport,
    Error,
    Fishbone,
    FORMAT_VERSION,
    GapKind,
    Guide,
    HealthComponent,
    IoError,
    load,
    load_bytes,
    Measure,
    NoData,
    NotAnArchive,
    NotFound,
    NpsPreset,
    Organisation,
    Period,
    Question,
    RecordKind,
    Referral,
    ReferralOutcome,
    ReferralTarget,
    Relationship,
    ReplacementCost,
    RetentionFactor,
    Role,
    sample,
    save,
    Scale,
    score,
    ServqualDimension,
    ServqualMode,
    Severity,
    Side,
    Status,
    Suppressed,
    Unit,
    UnitKind,
    ValidationError,
)

__version__: str = _rapport.__version__

# `import rapport.score` and `from rapport.score import nps` work like for a pure-Python submodule.
_sys.modules[__name__ + ".score"] = score

__all__ = [
    "Agreement", "AgreementStatus", "ArchiveError", "ArchiveTooNew", "Band", "Bond", "Bone", "Complaint",
    "ComplaintOutcome", "ComplaintStage", "ConflictError", "Conversation", "ConversationKind",
    "CorruptArchive", "CsatPreset", "DuplicateError", "ErasureReport", "Error", "Fishbone",
    "FORMAT_VERSION", "GapKind", "Guide", "HealthComponent", "IoError", "load", "load_bytes", "Measure",
    "NoData", "NotAnArchive", "NotFound", "NpsPreset", "Organisation", "Period", "Question", "RecordKind",
    "Referral", "ReferralOutcome", "ReferralTarget", "Relationship", "ReplacementCost", "RetentionFactor",
    "Role", "sample", "save", "Scale", "score", "ServqualDimension", "ServqualMode", "Severity", "Side",
    "Status", "Suppressed", "Unit", "UnitKind", "ValidationError", "ScoreFrame",
]


def __getattr__(name: str):  # noqa: ANN202 - module-level lazy attribute
    if name == "ScoreFrame":  # defined on first use so that pandas is imported lazily
        from ._frames import score_frame_class

        return score_frame_class()
    raise AttributeError(f"module 'rapport' has no attribute {name!r}")
