"""The error mapping: core error kinds onto rapport classes that are also Python builtins."""
from __future__ import annotations

import pickle

import pytest

import rapport


@pytest.mark.parametrize("cls, bases", [
    (rapport.ValidationError, (rapport.Error, ValueError)),
    (rapport.DuplicateError, (rapport.ValidationError, ValueError)),
    (rapport.ConflictError, (rapport.ValidationError, ValueError)),
    (rapport.NoData, (rapport.ValidationError, ValueError)),
    (rapport.Suppressed, (rapport.ValidationError, ValueError)),
    (rapport.NotFound, (rapport.Error, KeyError)),
    (rapport.IoError, (rapport.Error, OSError)),
    (rapport.ArchiveError, (rapport.Error, ValueError)),
    (rapport.CorruptArchive, (rapport.ArchiveError, rapport.Error, ValueError)),
    (rapport.NotAnArchive, (rapport.ArchiveError, ValueError)),
    (rapport.ArchiveTooNew, (rapport.ArchiveError, ValueError)),
])
def test_hierarchy(cls: type, bases: tuple[type, ...]) -> None:
    assert all(issubclass(cls, b) for b in bases)
    assert issubclass(cls, rapport.Error) and cls.__module__ == "rapport" and cls.__doc__


def test_invalid_input_is_value_error(org: rapport.Organisation) -> None:
    with pytest.raises(ValueError) as e:
        org.add_unit("")
    assert type(e.value) is rapport.ValidationError and e.value.code == "invalid_argument"
    assert "a unit needs a key" in str(e.value)


def test_duplicate_and_conflict(org: rapport.Organisation) -> None:
    with pytest.raises(rapport.DuplicateError) as e:
        org.add_unit("hr")
    assert e.value.code == "duplicate" and isinstance(e.value, ValueError)
    with pytest.raises(rapport.ConflictError) as e:
        org.remove_unit("hr")
    assert e.value.code == "conflict"


def test_unknown_ids_are_key_errors(org: rapport.Organisation) -> None:
    for call in (lambda: org.unit("nobody"), lambda: org.unit(999), lambda: org.unit(-1),
                 lambda: org.relationship(999), lambda: org.conversation(999), lambda: org.agreement(0),
                 lambda: org.complaint(0), lambda: org.referral(0), lambda: org.guide("nope"),
                 lambda: org.units["nobody"], lambda: org.conversations[5]):
        with pytest.raises(KeyError) as e:
            call()
        assert type(e.value) is rapport.NotFound and e.value.code == "not_found"
    # Unlike a plain KeyError, the message is not quoted.
    with pytest.raises(rapport.NotFound) as e:
        org.unit("nobody")
    assert str(e.value) == "unknown unit key 'nobody'"


def test_wrong_types_are_type_errors(org: rapport.Organisation) -> None:
    with pytest.raises(TypeError):
        org.add_unit(123)
    with pytest.raises(TypeError):
        org.unit(1.5)
    with pytest.raises(TypeError):
        org.relationship("by-key")  # relationships have no keys


def test_files_are_os_errors(tmp_path) -> None:
    with pytest.raises(OSError) as e:
        rapport.load(tmp_path / "missing.rapport")
    assert type(e.value) is rapport.IoError and e.value.code == "io" and "missing.rapport" in str(e.value)
    with pytest.raises(FileNotFoundError if False else OSError):
        rapport.Organisation().save(tmp_path / "no" / "such" / "folder" / "x.rapport")


def test_archives(tmp_path) -> None:
    with pytest.raises(rapport.NotAnArchive) as e:
        rapport.load_bytes(b"hello, world")
    assert e.value.code == "not_an_archive" and isinstance(e.value, ValueError)
    good = rapport.Organisation().to_bytes()
    with pytest.raises(rapport.CorruptArchive) as e:
        rapport.load_bytes(good[:-1])
    assert e.value.code == "corrupt"
    newer = good[:8] + (99).to_bytes(4, "little") + good[12:]
    with pytest.raises(rapport.ArchiveTooNew) as e:
        rapport.load_bytes(newer)
    assert e.value.code == "version_too_new"


def test_errors_pickle(org: rapport.Organisation) -> None:
    with pytest.raises(rapport.NotFound) as e:
        org.unit("nobody")
    again = pickle.loads(pickle.dumps(e.value))
    assert type(again) is rapport.NotFound and again.code == "not_found" and str(again) == str(e.value)


def test_failed_change_leaves_organisation_as_it_was(org: rapport.Organisation) -> None:
    before = (repr(org), org.units.to_frame().to_dict(), org.relationships.to_frame().to_dict())
    for call in (lambda: org.add_unit("hr"), lambda: org.add_relationship("it", "it"),
                 lambda: org.update_unit("hr", parent="payroll"),
                 lambda: org.add_units(key=["new1", "hr"]), lambda: org.add_relationships(provider=["it", "it"], recipient=["hr", "it"])):
        with pytest.raises(rapport.Error):
            call()
    assert before == (repr(org), org.units.to_frame().to_dict(), org.relationships.to_frame().to_dict())
