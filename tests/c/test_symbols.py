"""librapport exports the C API and nothing else: `nm -D` on the built library, the SONAME, and the
symbol version node."""
import os
import re
import subprocess

from capi_header import declared_functions, dynamic_symbols

LIB = os.environ["RAPPORT_C_LIBRARY"]
HEADER = os.environ["RAPPORT_C_HEADER"]
ABI = os.environ["RAPPORT_ABI_VERSION"]
NODE = f"RAPPORT_{ABI}"


def test_only_rapport_symbols_are_exported():
    defined = dynamic_symbols(LIB, "--defined-only")
    strays = [(n, k) for n, k, _ in defined if not n.startswith("rapport_") and not (n == NODE and k == "A")]
    assert not strays, f"librapport exports symbols outside the C API: {strays[:20]}"


def test_exports_are_exactly_the_header_functions():
    exported = {n for n, k, _ in dynamic_symbols(LIB, "--defined-only") if n.startswith("rapport_")}
    declared = set(declared_functions(HEADER))
    assert exported - declared == set(), "exported but not declared in rapport.h (a leaked internal?)"
    assert declared - exported == set(), "declared in rapport.h but not exported"


def test_every_export_is_a_function_in_the_version_node():
    for name, kind, version in dynamic_symbols(LIB, "--defined-only"):
        if name == NODE:
            continue
        assert kind == "T", f"{name} is exported as {kind}, not as a function"
        assert version == NODE, f"{name} carries version '{version}', not {NODE}"


def test_soname_carries_the_abi_major_version():
    dyn = subprocess.run(["readelf", "-d", LIB], check=True, capture_output=True, text=True).stdout
    m = re.search(r"\(SONAME\)\s+Library soname: \[(.+?)\]", dyn)
    assert m and m.group(1) == f"librapport.so.{ABI}"


def test_the_check_would_catch_a_leak(tmp_path):
    """The filter above is not vacuous: a library built without the version script leaks."""
    src = tmp_path / "leak.cpp"
    src.write_text('#include <string>\nextern "C" int rapport_x() { return 1; }\n'
                   'std::string helper(const char* s) { return s; }\n')
    so = tmp_path / "libleak.so"
    subprocess.run(["c++", "-shared", "-fPIC", "-o", str(so), str(src)], check=True)
    leaked = [n for n, k, _ in dynamic_symbols(str(so), "--defined-only") if not n.startswith("rapport_")]
    assert leaked, "a library with a C++ helper and no version script must show a stray symbol"
