"""The built librapport keeps the ABI of the committed baseline (bindings/c/abi/librapport.abi):
libabigail's abidiff under the policy of abi_check.py. The policy itself is shown to work on
deliberately edited copies: a removed or changed function fails, an added one passes."""
import os
import re

import pytest

import abi_check

LIB = os.environ["RAPPORT_C_LIBRARY"]
BASELINE = os.environ["RAPPORT_ABI_BASELINE"]
HEADERS = os.environ["RAPPORT_INCLUDE_DIR"]


@pytest.fixture(scope="module")
def current(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("abi") / "current.abi")
    abi_check.dump(LIB, path, HEADERS)
    return path


def edited(src, dst, edit):
    with open(src, encoding="utf-8") as f:
        text = f.read()
    new = edit(text)
    assert new != text, "the edit must change something"
    with open(dst, "w", encoding="utf-8") as f:
        f.write(new)
    return dst


def without_function(name):
    def edit(text):
        text = re.sub(rf"\s*<elf-symbol name='{name}'[^>]*/>", "", text)
        return re.sub(rf"\s*<function-decl name='{name}'.*?</function-decl>", "", text, flags=re.S)
    return edit


def with_parameter_retyped(name, index, typedef):
    """Parameter `index` of `name` given the type of the typedef named `typedef`."""
    def edit(text):
        type_id = re.search(rf"<typedef-decl name='{typedef}'[^>]* id='([0-9a-f]+)'", text).group(1)
        def one(m):
            block = m.group(0)
            p = list(re.finditer(r"<parameter type-id='([0-9a-f]+)'", block))[index]
            return block[:p.start(1)] + type_id + block[p.end(1):]
        return re.sub(rf"<function-decl name='{name}'.*?</function-decl>", one, text, count=1, flags=re.S)
    return edit


def test_baseline_is_committed():
    assert os.path.getsize(BASELINE) > 1000


def test_built_library_keeps_the_baseline_abi(current):
    ok, report = abi_check.compare(BASELINE, current)
    assert ok, report


def test_policy_fails_a_removed_function(current, tmp_path):
    lib_without = edited(current, str(tmp_path / "removed.abi"), without_function("rapport_unit_remove"))
    ok, report = abi_check.compare(current, lib_without)
    assert not ok and "rapport_unit_remove" in report


def test_policy_fails_a_changed_function(current, tmp_path):
    lib_changed = edited(current, str(tmp_path / "changed.abi"), with_parameter_retyped("rapport_unit_remove", 1, "int32_t"))
    ok, report = abi_check.compare(current, lib_changed)
    assert not ok and "1 Changed" in report


def test_policy_passes_an_added_function(current, tmp_path):
    older_baseline = edited(current, str(tmp_path / "older.abi"), without_function("rapport_unit_remove"))
    ok, report = abi_check.compare(older_baseline, current)
    assert ok and "1 Added function" in report, report


def test_policy_passes_an_added_enumerator(current, tmp_path):
    older_baseline = edited(current, str(tmp_path / "older_enum.abi"),
                            lambda t: t.replace("<enumerator name='RAPPORT_UNSUPPORTED' value='14'/>", ""))
    ok, report = abi_check.compare(older_baseline, current)
    assert ok, report
