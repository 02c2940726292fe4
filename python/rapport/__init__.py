"""rapport: an organisation's stakeholder relationships, conversations and comparable, explainable scores.

    >>> import rapport
    >>> org = rapport.Organisation()
    >>> hr = org.add_unit("hr", "Human Resources", kind="department")

Everything lives in an :class:`Organisation`; records come back as snapshots, changes go through the
Organisation's methods; bulk data goes in and out as pandas DataFrames or NumPy arrays.
"""
from __future__ import annotations

from . import _rapport
from ._rapport import (
    Agreement,
    AgreementStatus,
    ArchiveError,
    ArchiveTooNew,
    Bond,
    Bone,
    Complaint,
    ComplaintOutcome,
    ComplaintStage,
    ConflictError,
    Conversation,
    ConversationKind,
    CorruptArchive,
    DuplicateError,
    ErasureReport,
    Error,
    Fishbone,
    Guide,
    IoError,
    NoData,
    NotAnArchive,
    NotFound,
    Organisation,
    Period,
    Question,
    Referral,
    ReferralOutcome,
    ReferralTarget,
    Relationship,
    Scale,
    Severity,
    Side,
    Suppressed,
    Unit,
    UnitKind,
    ValidationError,
)

__version__: str = _rapport.__version__

__all__ = [
    "Agreement", "AgreementStatus", "ArchiveError", "ArchiveTooNew", "Bond", "Bone", "Complaint",
    "ComplaintOutcome", "ComplaintStage", "ConflictError", "Conversation", "ConversationKind", "CorruptArchive",
    "DuplicateError", "ErasureReport", "Error", "Fishbone", "Guide", "IoError", "NoData", "NotAnArchive",
    "NotFound", "Organisation", "Period", "Question", "Referral", "ReferralOutcome", "ReferralTarget",
    "Relationship", "Scale", "Severity", "Side", "Suppressed", "Unit", "UnitKind", "ValidationError",
]

if _rapport.HAVE_SCORES:
    import sys as _sys

    from ._rapport import (
        Band,
        CsatPreset,
        GapKind,
        HealthComponent,
        Measure,
        NpsPreset,
        RecordKind,
        ReplacementCost,
        RetentionFactor,
        Role,
        ServqualDimension,
        ServqualMode,
        Status,
        score,
    )

    # `import rapport.score` and `from rapport.score import nps` work like for a pure-Python submodule.
    _sys.modules[__name__ + ".score"] = score
    __all__ += ["Band", "CsatPreset", "GapKind", "HealthComponent", "Measure", "NpsPreset", "RecordKind",
                "ReplacementCost", "RetentionFactor", "Role", "ServqualDimension", "ServqualMode", "Status", "score",
                "ScoreFrame"]


def __getattr__(name: str):  # noqa: ANN202 - module-level lazy attribute
    if name == "ScoreFrame":  # defined on first use so that pandas is imported lazily
        from ._frames import score_frame_class

        return score_frame_class()
    raise AttributeError(f"module 'rapport' has no attribute {name!r}")


if hasattr(_rapport, "sample"):
    from ._rapport import sample

    __all__ += ["sample"]

if hasattr(_rapport, "load"):
    from ._rapport import FORMAT_VERSION, load, load_bytes, save

    __all__ += ["FORMAT_VERSION", "load", "load_bytes", "save"]
