"""csv_memory.py -- bridge.import_csv's memory on a 1 GB file (make bench-csv-memory).

Writes a CSV of about 1 GB (accounts with 4,900-character notes, about 204,000 rows)
in a scratch folder, imports it batch by batch through the Python binding (one
bridge.import_csv call per 1,000 rows, as crm-harness import-csv does) into a fresh
SQLite file, and prints the process's peak resident memory as it goes. The import
streams the file through a fixed buffer, so the peak after the first batch and at the
end should be the same: the figure that matters is the growth, not the absolute size
(which includes Python itself). The scratch folder (--dir, default a temporary one)
needs about 4.5 GB free and is removed at the end unless --keep is given.
"""
import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Bindings", "python"))
import crm  # noqa: E402


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", help="scratch folder (default: a new temporary one)")
    parser.add_argument("--bytes", type=int, default=1_000_000_000, help="size of the CSV file")
    parser.add_argument("--keep", action="store_true", help="keep the CSV file and the database")
    options = parser.parse_args()
    folder = options.dir or tempfile.mkdtemp(prefix="libcrm-csv-memory-")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "accounts.csv")
    note = "x" * 4900
    with open(path, "w") as f:
        f.write("Code,Name,Notes\r\n")
        n = 0
        while f.tell() < options.bytes:
            for _ in range(1000):
                f.write(f"A{n},Customer {n},{note}\r\n")
                n += 1
    size = os.path.getsize(path)
    db = crm.Database(os.path.join(folder, "memory.sqlite"))
    args = {"kind": "accounts", "path": path, "mapping": {"external_ref": "Code", "name": "Name", "notes": "Notes"},
            "source": "memory-check", "batch_size": 1000}
    started = time.perf_counter()
    batches = rows = 0
    first = None
    while True:
        answer = db.exec("bridge.import_csv", args)
        batches += 1
        rows += answer["lines_read"]
        if first is None:
            first = peak_mb()
        if batches % 50 == 0 or answer["done"]:
            print(json.dumps({"batch": batches, "rows": rows, "peak_rss_mb": peak_mb(),
                              "seconds": round(time.perf_counter() - started, 1)}), flush=True)
        if answer["done"]:
            break
        args["resume_from_line"] = answer["next_line"]
        args["resume_from_offset"] = answer["next_offset"]
    db.close()
    last = peak_mb()
    print(f"{size / 1e9:.2f} GB, {rows} rows in {time.perf_counter() - started:.1f} s; "
          f"peak resident memory {first} MB after the first batch, {last} MB at the end (+{last - first} MB)")
    if not options.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if last - first <= 16 else 1


if __name__ == "__main__":
    sys.exit(main())
