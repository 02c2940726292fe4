"""What rapport.h declares, read from the header itself (the contract)."""
import re
import subprocess

_DECL = re.compile(r"\bRAPPORT_API\s+[^;{}()]*?\b(rapport_\w+)\s*\(", re.S)


def declared_functions(header_path):
    """Names of every function rapport.h declares, in order."""
    with open(header_path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)  # comments may mention functions
    names = _DECL.findall(text)
    assert len(names) == len(set(names)), "a function is declared twice"
    return names


def dynamic_symbols(binary, *flags):
    """(name, type, version) of the dynamic symbols `nm -D <flags>` lists."""
    out = subprocess.run(["nm", "-D", *flags, binary], check=True, capture_output=True, text=True).stdout
    symbols = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        kind, full = parts[-2], parts[-1]
        name, _, version = full.partition("@")
        symbols.append((name, kind, version.lstrip("@")))
    return symbols
