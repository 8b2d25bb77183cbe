"""The native S3 clients (obstore, polars, pyarrow) against SeaweedFS, run in a subprocess.

    python native_client.py SCENARIO '{"package": "obstore", "endpoint": URL, ...}'

It prints one JSON document. It imports nothing from the tests. Under
libfaketime, the library is on for good through the autopatch variable (the
test's environment), or not at all; the scenarios that show the mechanism
itself call it directly.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
from typing import Any, Callable
from urllib.parse import urlsplit

OPTIONS: dict[str, Any] = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
ENDPOINT = OPTIONS.get("endpoint", "")
REGION = "us-east-1"
if ENDPOINT.startswith("https:"):
    # The test CA, for rustls (obstore, polars) as for OpenSSL.
    os.environ["SSL_CERT_FILE"] = OPTIONS["ca_bundle"]


def obstore_steps() -> dict[str, Callable[[], Any]]:
    import obstore
    from obstore.store import S3Store

    no_retry = {
        "max_retries": 0,
        "retry_timeout": datetime.timedelta(seconds=10),
        "backoff": {
            "init_backoff": datetime.timedelta(seconds=0.1),
            "max_backoff": datetime.timedelta(seconds=1),
            "base": 2,
        },
    }
    store = S3Store(
        OPTIONS["bucket"],
        endpoint=ENDPOINT,
        access_key_id=OPTIONS["access_key"],
        secret_access_key=OPTIONS["secret_key"],
        region=REGION,
        client_options={"allow_http": True},
        retry_config=no_retry,  # type: ignore[arg-type]
    )
    return {
        "put": lambda: obstore.put(store, "k.txt", b"obstore") and None,
        "get": lambda: bytes(obstore.get(store, "k.txt").bytes()).decode(),
        "list": lambda: [m["path"] for batch in obstore.list(store) for m in batch],
        "presigned_get": lambda: obstore.sign(store, "GET", "k.txt", datetime.timedelta(hours=1)),
    }


def polars_steps() -> dict[str, Callable[[], Any]]:
    import polars as pl

    options = {
        "aws_access_key_id": OPTIONS["access_key"],
        "aws_secret_access_key": OPTIONS["secret_key"],
        "aws_region": REGION,
        "aws_endpoint_url": ENDPOINT,
        "aws_allow_http": "true",
        "max_retries": 0,
    }
    path = f"s3://{OPTIONS['bucket']}/p.parquet"
    return {
        "write_parquet": lambda: pl.DataFrame({"a": [1, 2]}).write_parquet(
            path, storage_options=options
        ),
        "read_parquet": lambda: pl.read_parquet(path, storage_options=options)["a"].to_list(),
        "scan_parquet": lambda: (
            pl.scan_parquet(path, storage_options=options).collect()["a"].to_list()
        ),
    }


def pyarrow_steps() -> dict[str, Callable[[], Any]]:
    import pyarrow as pa
    import pyarrow.fs as fs
    import pyarrow.parquet as pq

    url = urlsplit(ENDPOINT)
    s3 = fs.S3FileSystem(
        access_key=OPTIONS["access_key"],
        secret_key=OPTIONS["secret_key"],
        region=REGION,
        endpoint_override=url.netloc,
        scheme=url.scheme,
        # No resend: its SDK would correct its skew after one refusal, and the first request
        # must be signed with the real time.
        retry_strategy=fs.AwsStandardS3RetryStrategy(max_attempts=1),
        **({"tls_ca_file_path": OPTIONS["ca_bundle"]} if url.scheme == "https" else {}),
    )
    path = f"{OPTIONS['bucket']}/pa.parquet"
    return {
        "write_table": lambda: pq.write_table(pa.table({"a": [1, 2]}), path, filesystem=s3),
        "read_table": lambda: pq.read_table(path, filesystem=s3)["a"].to_pylist(),
    }


def duckdb_steps() -> dict[str, Callable[[], Any]]:
    """httpfs, brought in as OPTIONS["how"] says: LOAD, a secret's autoload, a setting's
    autoload, INSTALL from a file, or by the query itself (a persistent secret made by an
    earlier process: "persist" makes it); then a write and a read on S3, and year(now())."""
    import duckdb

    how = OPTIONS["how"]
    directory = OPTIONS["extension_directory"]
    connection = duckdb.connect(
        config={
            "extension_directory": directory,
            "autoinstall_known_extensions": "false",
            "autoload_known_extensions": "true",
        }
    )
    sql = connection.execute
    # Set, not given to connect(), which does not take it; never the user's own folder.
    secrets = OPTIONS.get("secret_directory") or os.path.join(OPTIONS["scratch"], "secrets")
    sql(f"SET secret_directory = '{secrets}'")
    url = urlsplit(ENDPOINT)
    secret = (
        f"CREATE SECRET s3 (TYPE s3, KEY_ID '{OPTIONS['access_key']}', "
        f"SECRET '{OPTIONS['secret_key']}', REGION '{REGION}', ENDPOINT '{url.netloc}', "
        f"URL_STYLE 'path', USE_SSL {str(url.scheme == 'https').lower()})"
    )
    settings = [
        f"SET s3_access_key_id = '{OPTIONS['access_key']}'",
        f"SET s3_secret_access_key = '{OPTIONS['secret_key']}'",
        f"SET s3_region = '{REGION}'",
        f"SET s3_endpoint = '{url.netloc}'",
        "SET s3_url_style = 'path'",
        f"SET s3_use_ssl = {str(url.scheme == 'https').lower()}",
    ]
    path = f"s3://{OPTIONS['bucket']}/d.parquet"

    def bring_in() -> Any:
        if how == "load":
            sql("LOAD httpfs")
        elif how == "install-file":
            sql(f"INSTALL '{OPTIONS['extension_file']}'")
            sql("LOAD httpfs")
        if how == "settings":
            for setting in settings:  # the first one autoloads httpfs
                sql(setting)
        elif how == "persist":
            sql(secret.replace("CREATE SECRET", "CREATE PERSISTENT SECRET"))
        elif how != "query":  # the query's own autoload: httpfs comes with its COPY
            sql(secret)  # autoloads httpfs where it is not loaded yet
        (row,) = sql(
            "SELECT count(*) FROM duckdb_extensions() WHERE loaded AND extension_name = 'httpfs'"
        ).fetchall()
        return [row[0]]

    return {
        "bring_in": bring_in,
        "copy": lambda: sql(f"COPY (SELECT 42 AS a) TO '{path}'") and None,
        "read": lambda: [r[0] for r in sql(f"SELECT a FROM read_parquet('{path}')").fetchall()],
        "sql_year": lambda: [sql("SELECT year(now())").fetchall()[0][0]],
    }


PACKAGES = {
    "obstore": obstore_steps,
    "polars": polars_steps,
    "pyarrow": pyarrow_steps,
    "duckdb": duckdb_steps,
}


def attempt(call: Callable[[], Any]) -> dict[str, Any]:
    try:
        answer = call()
    except Exception as error:  # noqa: BLE001 - reported to the test
        return {"ok": False, "code": f"{type(error).__name__}: {error}"[:400]}
    outcome: dict[str, Any] = {"ok": True, "code": ""}
    if isinstance(answer, (str, list)):
        outcome["answer"] = answer
    return outcome


def _steps() -> dict[str, Any]:
    results = {}
    for name, step in PACKAGES[OPTIONS["package"]]().items():
        results[name] = attempt(step)
        if not results[name]["ok"]:
            break
    return results


def _statuses() -> dict[str, str]:
    if "libfaketimefs_botocore.native.redirection" not in sys.modules:
        return {}
    from libfaketimefs_botocore.native import redirection

    return dict(redirection.statuses)


def scenario_s3() -> dict[str, Any]:
    """The package's steps, as an unmodified program makes them."""
    results = _steps()
    return {"results": results, "fake": time.time(), "statuses": _statuses()}


def scenario_fork() -> dict[str, Any]:
    """The package's steps in a child forked after the redirection (the variable is set)."""
    PACKAGES[OPTIONS["package"]]()  # imported, and so redirected, in the parent
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read)
        os.write(write, json.dumps(_steps()).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.waitpid(child, 0)
    return {"results": json.loads(b"".join(chunks)), "statuses": _statuses()}


def scenario_restore() -> dict[str, Any]:
    """Redirected, the steps; restored, the steps again."""
    from libfaketimefs_botocore.native import redirection

    PACKAGES[OPTIONS["package"]]()
    before = _steps()
    restored = redirection.restore(OPTIONS["library"])
    after = _steps()
    return {"redirected": before, "restored": restored, "after": after, "statuses": _statuses()}


def scenario_redirect() -> dict[str, Any]:
    """redirection.redirect(OPTIONS["library"]) after importing OPTIONS["module"]."""
    import importlib

    from libfaketimefs_botocore.native import redirection

    importlib.import_module(OPTIONS["module"])
    try:
        done = redirection.redirect(OPTIONS["library"])
    except redirection.Unavailable as error:
        return {"redirected": False, "why": str(error)}
    return {"redirected": True, "slots": done.symbols}


def scenario_upgraded() -> dict[str, Any]:
    """obstore imported from a copy (OPTIONS["site"]), another release's object renamed over
    its file (an upgrade in place), then the library turned on for good: the steps."""
    import glob

    sys.path.insert(0, OPTIONS["site"])
    import obstore

    (loaded_file,) = glob.glob(os.path.join(os.path.dirname(obstore.__file__), "_obstore*.so"))
    os.replace(OPTIONS["replace_with"], loaded_file)
    import libfaketimefs_botocore

    libfaketimefs_botocore.patch_botocore()
    results = _steps()
    return {"results": results, "statuses": _statuses(), "from": obstore.__file__}


def scenario_loaded() -> dict[str, Any]:
    """OPTIONS["module"] imported (the variable is set): what was redirected, slot by slot."""
    import importlib

    importlib.import_module(OPTIONS["module"])
    from libfaketimefs_botocore.native import redirection

    return {
        "statuses": _statuses(),
        "symbols": {os.path.basename(r.path): r.symbols for r in redirection.redirections()},
    }


def scenario_duckdb_now() -> dict[str, Any]:
    """duckdb's SQL year(now()) with the library on for good, and the program's year."""
    import duckdb

    (row,) = duckdb.sql("SELECT year(now())").fetchall()
    return {
        "sql": int(row[0]),
        "program": datetime.datetime.now().year,
        "statuses": _statuses(),
    }


def _file_mappings() -> list[str]:
    """The process's mappings of files, with their protections."""
    with open("/proc/self/maps") as maps:
        return [
            line.split()[0] + " " + line.split()[1] + " " + line.split()[-1]
            for line in maps
            if line.split()[-1].startswith("/") and not line.split()[-1].startswith("/dev/")
        ]


def scenario_object() -> dict[str, Any]:
    """A shared object built by the test: loaded, maybe replaced on disk by another build,
    redirected, its .data written, its clock read, restored, and again."""
    import ctypes

    from libfaketimefs_botocore.native import redirection

    name = os.path.basename(OPTIONS["path"])
    library = ctypes.CDLL(OPTIONS["path"])
    library.now.restype = ctypes.c_long
    if OPTIONS.get("call_first"):
        library.now()  # bound to libfaketime's, not left to the lazy stub
    if OPTIONS.get("replace_with"):
        os.rename(OPTIONS["replace_with"], OPTIONS["path"])
    if OPTIONS.get("truncate"):  # a copy cut short renamed over it, as a failed upgrade leaves it
        with open(OPTIONS["path"], "rb") as whole:
            head = whole.read(OPTIONS["truncate"])
        with open(OPTIONS["path"] + ".new", "wb") as cut:
            cut.write(head)
        os.replace(OPTIONS["path"] + ".new", OPTIONS["path"])
    mappings = _file_mappings()
    result: dict[str, Any] = {"fake": library.now()}
    try:
        result["symbols"] = redirection.redirect(name).symbols
    except redirection.Unavailable as error:
        result["why"] = str(error)
    result["bumped"] = library.bump()  # a SIGSEGV if .data's page was left read-only
    result["redirected"] = library.now()
    result["restored"] = redirection.restore(name)
    result["bumped_again"] = library.bump()
    result["after"] = library.now()
    result["mappings_kept"] = mappings == _file_mappings()
    return result


def scenario_reloaded() -> dict[str, Any]:
    """Redirected, unloaded (dlclose), loaded again from the same path, redirected again."""
    import ctypes

    from libfaketimefs_botocore.native import redirection

    name = os.path.basename(OPTIONS["path"])
    first = ctypes.CDLL(OPTIONS["path"])
    base = redirection.redirect(name).key[1]
    dlclose = ctypes.CDLL(None).dlclose
    dlclose.argtypes = [ctypes.c_void_p]
    dlclose(first._handle)
    del first
    second = ctypes.CDLL(OPTIONS["path"])
    second.now.restype = ctypes.c_long
    again = redirection.redirect(name)
    return {"same_address": again.key[1] == base, "now": second.now()}


def scenario_fork_while_locked() -> dict[str, Any]:
    """A fork while another thread holds the redirection's lock: the child redirects."""
    import ctypes
    import threading

    from libfaketimefs_botocore.native import redirection

    name = os.path.basename(OPTIONS["path"])
    library = ctypes.CDLL(OPTIONS["path"])
    library.now.restype = ctypes.c_long
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with redirection._lock:
            held.set()
            release.wait()  # no timeout: a timed wait can hang under libfaketime

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        redirection.redirect(name)
        os.write(write, str(library.now()).encode())
        os._exit(0)
    os.close(write)
    release.set()
    holder.join()
    answer = os.read(read, 100)
    os.waitpid(child, 0)
    return {"child_now": int(answer or 0)}


def scenario_hooked_loader() -> dict[str, Any]:
    """A loader object's dlopen hooked, as _duckdb's is; then, as OPTIONS says, this library's
    modules reloaded or purged from sys.modules; then an object loaded through the hook (its
    clock read), and at exit, after finalisation, another loaded by the loader's destructor."""
    import ctypes
    import gc
    import importlib

    from libfaketimefs_botocore.native import dlopen, redirection

    loader = ctypes.CDLL(OPTIONS["loader"])
    loader.load.restype = ctypes.c_void_p
    loader.load.argtypes = [ctypes.c_char_p]
    loader.set_at_exit.argtypes = [ctypes.c_char_p]
    redirection.hook_dlopen(os.path.basename(OPTIONS["loader"]), "test")
    if OPTIONS.get("reload"):
        importlib.reload(dlopen)
        importlib.reload(redirection)
    if OPTIONS.get("purge"):
        del dlopen, redirection
        for name in [n for n in sys.modules if n.startswith("libfaketimefs_botocore")]:
            del sys.modules[name]
        gc.collect()
    handle = loader.load(OPTIONS["clockuser"].encode())
    library = ctypes.CDLL(OPTIONS["clockuser"], handle=handle)
    library.now.restype = ctypes.c_long
    if OPTIONS.get("at_exit"):
        loader.set_at_exit(OPTIONS["at_exit"].encode())
    return {"now": library.now()}


def scenario_concurrent_imports() -> dict[str, Any]:
    """OPTIONS["modules"] imported at once, one thread each, the library on for good; with
    OPTIONS["package"], a package of that name is made in OPTIONS["folder"] first, whose
    __init__ sleeps before it imports its submodules (the watch then watches it alone)."""
    import importlib
    import threading

    if OPTIONS.get("package"):
        _slow_package(OPTIONS["folder"], OPTIONS["package"], len(OPTIONS["modules"]))
        from libfaketimefs_botocore.native import watch

        watch.install([OPTIONS["package"]], lambda: None)
    elif OPTIONS.get("on"):
        import libfaketimefs_botocore.patch  # noqa: F401
    outcomes: dict[str, str] = {}

    def run(module: str) -> None:
        try:
            importlib.import_module(module)
            outcomes[module] = "ok"
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcomes[module] = f"{type(error).__name__}: {error}"

    first, *others = OPTIONS["modules"]
    threads = [threading.Thread(target=run, args=(first,), daemon=True)]
    threads[0].start()
    # The others once the first is importing (in sys.modules, still initialising): then a
    # submodule's import finds its parent's module lock held. Not a timed wait: a poll.
    while first not in sys.modules and threads[0].is_alive():
        time.sleep(0.001)
    threads += [threading.Thread(target=run, args=(m,), daemon=True) for m in others]
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join()
    return {"outcomes": outcomes, "statuses": _statuses()}


def _slow_package(folder: str, name: str, submodules: int) -> None:
    """A package whose __init__ sleeps, then imports a submodule of its own (as pyarrow's does):
    a thread importing a submodule meanwhile finds the parent still initialising."""
    package = os.path.join(folder, name)
    os.makedirs(package, exist_ok=True)
    with open(os.path.join(package, "__init__.py"), "w") as init:
        init.write("import time\ntime.sleep(0.3)\nfrom . import core\n")
    with open(os.path.join(package, "core.py"), "w") as core:
        core.write("VALUE = 1\n")
    for index in range(submodules):
        with open(os.path.join(package, f"sub{index}.py"), "w") as sub:
            sub.write("from . import core\nVALUE = core.VALUE\n")
    sys.path.insert(0, folder)


def scenario_namespaces_used_up() -> dict[str, Any]:
    """glibc's link namespaces used up by the program (so that dlmopen refuses the second
    libstdc++ that pyarrow's objects need), OPTIONS["modules"] imported, then the library
    turned on for good: whatever the warnings filter, nothing raises."""
    import ctypes
    import importlib

    dlmopen = ctypes.CDLL("libc.so.6").dlmopen
    dlmopen.restype = ctypes.c_void_p
    dlmopen.argtypes = [ctypes.c_long, ctypes.c_char_p, ctypes.c_int]
    used = 0
    while used < 64 and dlmopen(-1, b"libm.so.6", 2):  # LM_ID_NEWLM, RTLD_NOW
        used += 1
    for module in OPTIONS["modules"]:
        importlib.import_module(module)
    raised = None
    try:
        import libfaketimefs_botocore

        libfaketimefs_botocore.patch_botocore()
    except BaseException as error:  # noqa: BLE001 - reported to the test
        raised = f"{type(error).__name__}: {error}"
    return {"namespaces": used, "raised": raised, "statuses": _statuses()}


def scenario_pass_cost() -> dict[str, Any]:
    """The library on for good, then OPTIONS["modules"] imported one after another: for each,
    how many passes looked at objects, /proc/self/maps reads, and objects' tables read."""
    import importlib

    import libfaketimefs_botocore
    from libfaketimefs_botocore.native import loaded, redirection

    counts = {"maps": 0, "tables": 0, "passes": 0}

    def counted(function: Callable[..., Any], name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return function(*args, **kwargs)

        return call

    loaded.maps = counted(loaded.maps, "maps")  # type: ignore[method-assign]
    loaded.tables = counted(loaded.tables, "tables")  # type: ignore[method-assign]
    redirection._pass = counted(redirection._pass, "passes")  # type: ignore[attr-defined]
    libfaketimefs_botocore.patch_botocore()
    steps = []
    for module in OPTIONS["modules"]:
        before = dict(counts)
        importlib.import_module(module)
        steps.append({name: counts[name] - before[name] for name in counts})
    # Another pass over the same objects: nothing to read.
    before = dict(counts)
    from libfaketimefs_botocore import integrations

    redirection.apply(integrations.NATIVE)
    again = {name: counts[name] - before[name] for name in counts}
    return {"steps": steps, "again": again, "statuses": _statuses()}


def scenario_idle() -> dict[str, Any]:
    """The package's steps, then, a second later, 4 s idle: the CPU time its threads spend."""
    import resource

    results = _steps()
    time.sleep(1)  # the work's own tail (connections closed, buffers freed) is not idleness
    started = resource.getrusage(resource.RUSAGE_SELF)
    time.sleep(4)
    ended = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (ended.ru_utime - started.ru_utime) + (ended.ru_stime - started.ru_stime)
    return {"results": results, "idle_cpu": cpu, "statuses": _statuses()}


if __name__ == "__main__":
    print(json.dumps(globals()["scenario_" + sys.argv[1].replace("-", "_")]()))
