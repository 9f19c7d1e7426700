"""The loaded library, the raw ctypes layer and the crm.h <-> errors table."""

from __future__ import annotations

import ctypes
import os
import re
import subprocess
import sys
import threading
from ctypes import byref, c_int, c_int64, c_void_p

import pytest

import crm
from crm import _lib
from crm.errors import ERROR_TABLE

from _helpers import PACKAGE_ROOT, header_path


# -- version ------------------------------------------------------------------

def test_version_and_abi():
    assert re.fullmatch(r"\d+\.\d+\.\d+", crm.version())
    assert crm.abi_version() == crm.ABI_VERSION


def test_version_matches_header_in_repo():
    header = header_path()
    if header is None:
        pytest.skip("Include/crm.h not found next to this package")
    text = header.read_text()
    version = re.search(r'#define CRM_VERSION\s+"([^"]+)"', text).group(1)
    abi = int(re.search(r"#define CRM_ABI_VERSION\s+(\d+)", text).group(1))
    assert crm.version() == version
    assert crm.abi_version() == abi == crm.ABI_VERSION


def test_every_header_function_is_exported():
    assert _lib.library().missing == []


# -- the error table --------------------------------------------------------------

def _header_result_codes(text):
    block = text[text.index("RESULT CODES"):text.index("crm_errstr(int code)")]
    return {name: int(value)
            for name, value in re.findall(r"#define\s+(CRM_\w+)\s+(\d+)", block)}


def test_error_table_matches_header():
    header = header_path()
    if header is None:
        pytest.skip("Include/crm.h not found next to this package")
    defines = _header_result_codes(header.read_text())
    table = {name: code for code, name, _ in ERROR_TABLE}
    assert table == defines
    # and every code but CRM_OK has its own exception class
    classes = [cls for code, _, cls in ERROR_TABLE if code != 0]
    assert all(issubclass(cls, crm.CRMError) for cls in classes)
    assert len(set(classes)) == len(classes)
    for code, name, cls in ERROR_TABLE:
        if cls is not None:
            assert cls.code == code
            assert getattr(crm, name) == code


def test_exception_names():
    assert crm.InvalidArgument.code == crm.CRM_INVALID
    assert crm.OutOfRange.code == crm.CRM_RANGE
    assert crm.VersionMismatch.code == crm.CRM_VERSION_ERR
    assert crm.CRMIOError.code == crm.CRM_IO
    assert crm.ConstraintViolation.code == crm.CRM_CONSTRAINT
    assert crm.InternalError.code == crm.CRM_INTERNAL
    assert crm.CreditHold.code == crm.CRM_CREDIT_HOLD


def test_errstr():
    phrases = [crm.errstr(code) for code, _, _ in ERROR_TABLE]
    assert all(phrases)
    assert len(set(phrases)) == len(phrases), phrases
    assert crm.errstr(crm.CRM_NOTFOUND) == "not found"
    assert crm.errstr(999) == "unknown error"
    assert crm.errstr(-1) == "unknown error"
    assert "unknown error" not in phrases


# -- raw ABI: NULL handles and arguments never crash -----------------------------

def test_null_handle_is_misuse():
    lib = _lib.library()
    out = c_void_p()
    assert lib.crm_close(None) == 0
    lib.crm_free(None)
    assert lib.crm_exec(None, b"account.list", None, byref(out)) == crm.CRM_MISUSE
    assert out.value is None
    assert lib.crm_errmsg(None) not in (None, b"", b"not an error")
    assert lib.crm_begin(None) == crm.CRM_MISUSE
    assert lib.crm_commit(None) == crm.CRM_MISUSE
    assert lib.crm_rollback(None) == crm.CRM_MISUSE
    assert lib.crm_hook_unregister(None, 1) == crm.CRM_MISUSE
    assert lib.crm_events_fetch(None, b"c", 0, 10, byref(out)) == crm.CRM_MISUSE
    assert lib.crm_events_ack(None, b"c", 1) == crm.CRM_MISUSE
    ident = c_int64(-7)
    assert lib.crm_find_by_ref(None, b"account", b"s", b"r", byref(ident)) == crm.CRM_MISUSE
    assert ident.value == -7


def test_null_arguments_are_invalid():
    lib = _lib.library()
    out = c_void_p()
    assert lib.crm_open(None, 0, byref(out)) == crm.CRM_INVALID
    assert out.value is None
    assert lib.crm_open(b":memory:", 0, None) == crm.CRM_INVALID
    assert lib.crm_open(b":memory:", 0x8, byref(out)) == crm.CRM_INVALID
    assert out.value is None
    assert lib.crm_errmsg(None) != b"not an error"

    handle = c_void_p()
    assert lib.crm_open(b":memory:", 0, byref(handle)) == 0
    try:
        assert lib.crm_exec(handle, None, b"{}", byref(out)) == crm.CRM_INVALID
        assert lib.crm_find_by_ref(handle, None, b"s", b"r", byref(c_int64())) == crm.CRM_INVALID
        assert lib.crm_find_by_ref(handle, b"account", b"s", b"r", None) == crm.CRM_INVALID
        hook_id = c_int()
        assert lib.crm_hook_register(handle, None, _lib.HOOK_FN(lambda *a: None),
                                     None, byref(hook_id)) == crm.CRM_INVALID
        assert lib.crm_hook_register(handle, b"*", _lib.HOOK_FN(), None,
                                     byref(hook_id)) == crm.CRM_INVALID
        assert lib.crm_events_fetch(handle, None, 0, 10, byref(out)) == crm.CRM_INVALID
        assert lib.crm_events_fetch(handle, b"c", 0, 10, None) == crm.CRM_INVALID
        assert lib.crm_events_ack(handle, None, 0) == crm.CRM_INVALID
        assert out.value is None
        # a NULL json_result is allowed: the caller does not want the record
        assert lib.crm_exec(handle, b"account.create", b'{"name":"No Result"}', None) == 0
        assert lib.crm_errmsg(handle) == b"not an error"
        # a NULL json_args means {}
        assert lib.crm_exec(handle, b"account.list", None, byref(out)) == 0
        text = _lib.take_string(lib, out)
        assert '"items"' in text and "No Result" in text
    finally:
        assert lib.crm_close(handle) == 0


def test_error_messages_are_per_thread(new_target):
    lib = _lib.library()
    handle = c_void_p()
    assert lib.crm_open(str(new_target()).encode(), 0, byref(handle)) == 0
    try:
        failed, succeeded = threading.Event(), threading.Event()
        seen = {}

        def failer():
            seen["rc"] = lib.crm_exec(handle, b"account.get", b'{"id": 424242}', None)
            failed.set()
            succeeded.wait(10)
            seen["message"] = lib.crm_errmsg(handle)

        def succeeder():
            failed.wait(10)
            seen["ok"] = lib.crm_exec(handle, b"account.list", b"{}", None)
            seen["other"] = lib.crm_errmsg(handle)
            succeeded.set()

        threads = [threading.Thread(target=failer), threading.Thread(target=succeeder)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        assert seen["rc"] == crm.CRM_NOTFOUND
        assert seen["ok"] == 0 and seen["other"] == b"not an error"
        assert seen["message"] not in (b"not an error", b"")
    finally:
        lib.crm_close(handle)


# -- discovery ---------------------------------------------------------------------

def _run_python(code, env):
    return subprocess.run([sys.executable, "-c", code], env=env, cwd="/",
                          capture_output=True, text=True, timeout=60)


def test_missing_crm_library_path_is_a_clear_error(tmp_path):
    env = dict(os.environ, CRM_LIBRARY=str(tmp_path / "nowhere" / "libcrm.so"),
               PYTHONPATH=str(PACKAGE_ROOT))
    result = _run_python(
        "import crm\n"
        "try:\n    crm.Database()\n"
        "except crm.LibraryNotFoundError as e:\n    print('ERR', e)\n", env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ERR") and "CRM_LIBRARY" in result.stdout


def test_crm_library_env_wins():
    env = dict(os.environ, CRM_LIBRARY=_lib.library_path(), PYTHONPATH=str(PACKAGE_ROOT))
    result = _run_python("import crm; print(crm.library_path()); print(crm.version())", env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == _lib.library_path()


def test_source_tree_candidates(monkeypatch):
    monkeypatch.delenv("CRM_LIBRARY", raising=False)
    found = [path for _, path in _lib.candidates()]
    root = next((p for p in [PACKAGE_ROOT, *PACKAGE_ROOT.parents]
                 if (p / "Package.swift").is_file()), None)
    if root is not None:
        assert found[0] == str(root / ".build" / "release" / "libcrm.so")
        assert found[1] == str(root / ".build" / "debug" / "libcrm.so")
    assert found[-1] == f"libcrm.so.{crm.ABI_VERSION}"


def test_import_does_not_need_the_library(tmp_path):
    env = dict(os.environ, CRM_LIBRARY=str(tmp_path / "missing.so"),
               PYTHONPATH=str(PACKAGE_ROOT))
    result = _run_python("import crm; print(crm.NotFound.code)", env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2"


# -- every prototype of crm.h is declared with the matching ctypes types -------------

_C_TYPES = {
    "void": None,
    "int": ctypes.c_int,
    "int64_t": ctypes.c_int64,
    "const char *": ctypes.c_char_p,
    "char **": ctypes.POINTER(ctypes.c_void_p),  # owned: never c_char_p
    "crm_db *": ctypes.c_void_p,
    "crm_db **": ctypes.POINTER(ctypes.c_void_p),
    "int64_t *": ctypes.POINTER(ctypes.c_int64),
    "int *": ctypes.POINTER(ctypes.c_int),
    "void *": ctypes.c_void_p,
    "crm_hook_fn": _lib.HOOK_FN,
    "crm_credit_score_info *": ctypes.POINTER(_lib.CreditScoreInfo),
}


def _header_prototypes(text):
    """{name: (return type, [parameter types])} of every crm_ function."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"typedef[^;]*;", " ", text)

    def spell(decl, named):
        words = decl.replace("*", " * ").split()
        if named and words and words[-1] != "*":
            words = words[:-1]  # the parameter name
        base = " ".join(w for w in words if w != "*")
        stars = words.count("*")
        return f"{base} {'*' * stars}" if stars else base

    found = {}
    for ret, name, params in re.findall(
            r"^([A-Za-z_][\w \t\*]*?)\b(crm_\w+)\s*\(([^)]*)\)\s*;", text, flags=re.M):
        args = [] if params.strip() == "void" else \
            [spell(p, named=True) for p in params.split(",")]
        found[name] = (spell(ret, named=False), args)
    return found


def test_prototypes_match_header():
    header = header_path()
    if header is None:
        pytest.skip("Include/crm.h not found next to this package")
    prototypes = _header_prototypes(header.read_text())
    assert set(prototypes) == set(_lib.PROTOTYPES)
    for name, (ret, args) in prototypes.items():
        restype, argtypes = _lib.PROTOTYPES[name]
        assert _C_TYPES[ret] == restype, (name, ret)
        assert [_C_TYPES[a] for a in args] == argtypes, (name, args)


def _fake_checkout(tmp_path, configs):
    import shutil
    root = tmp_path / "checkout"
    package = root / "Bindings" / "python"
    package.mkdir(parents=True)
    shutil.copytree(PACKAGE_ROOT / "crm", package / "crm",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (root / "Package.swift").write_text("// swift-tools-version: 6.1\n")
    for config in configs:
        build = root / ".build" / config
        build.mkdir(parents=True)
        (build / "libcrm.so").symlink_to(os.path.realpath(_lib.library_path()))
    return root, package


@pytest.mark.parametrize("configs, expected", [(("release", "debug"), "release"),
                                               (("debug",), "debug")])
def test_library_found_in_the_source_tree(tmp_path, configs, expected):
    root, package = _fake_checkout(tmp_path, configs)
    env = {k: v for k, v in os.environ.items() if k != "CRM_LIBRARY"}
    env["PYTHONPATH"] = str(package)
    result = _run_python("import crm; print(crm.library_path()); print(crm.version())", env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == str(root / ".build" / expected / "libcrm.so")


def test_credit_score_struct_matches_the_library(tmp_path):
    """crm_credit_score fills CreditScoreInfo; a short size is CRM_INVALID."""
    lib = _lib.library()
    handle = ctypes.c_void_p()
    assert lib.crm_open(str(tmp_path / "credit.sqlite").encode(), 0, ctypes.byref(handle)) == crm.CRM_OK
    try:
        out = ctypes.c_void_p()
        assert lib.crm_exec(handle, b"account.create", b'{"name": "Karoo", "currency": "ZAR"}', ctypes.byref(out)) == crm.CRM_OK
        lib.crm_free(out)
        info = _lib.CreditScoreInfo(size=ctypes.sizeof(_lib.CreditScoreInfo))
        assert lib.crm_credit_score(handle, 1, b"2026-12-01", ctypes.byref(info)) == crm.CRM_OK
        assert (info.score, info.experiences, info.currency) == (0, 0, b"ZAR")
        assert info.flags & 1
        info.size = 8
        assert lib.crm_credit_score(handle, 1, None, ctypes.byref(info)) == crm.CRM_INVALID
    finally:
        lib.crm_close(handle)
