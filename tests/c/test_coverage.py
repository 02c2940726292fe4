"""The C99 program and the misuse test call every function rapport.h declares: checked on the built
executables' undefined (imported) symbols, so a function added to the header without tests fails."""
import os

import pytest

from capi_header import declared_functions, dynamic_symbols

HEADER = os.environ["RAPPORT_C_HEADER"]
PROGRAMS = os.environ["RAPPORT_CAPI_PROGRAMS"].split(":")


def test_header_declares_functions():
    assert len(declared_functions(HEADER)) > 50


@pytest.mark.parametrize("program", PROGRAMS, ids=os.path.basename)
def test_program_uses_every_function(program):
    used = {n for n, k, _ in dynamic_symbols(program, "--undefined-only")}
    missing = [f for f in declared_functions(HEADER) if f not in used]
    assert not missing, f"{os.path.basename(program)} never calls: {missing}"
