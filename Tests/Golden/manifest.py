#!/usr/bin/env python3
"""Prints the manifest of a LesionTrack output folder: one `kind path sha256` line per table of the
results database, per export and per file written, sorted.

    python3 Tests/Golden/manifest.py OUTPUT_DIR LESIONTRACK_BINARY

Database tables are dumped without the columns that differ between runs of the same results (run
IDs, error row IDs, times), rows sorted; `runs` is left out. Exports are made with the binary in
every format into a temporary folder. Every other file under OUTPUT_DIR (label maps, tables,
review files, the report) is hashed as it is. Standard library only.
"""
import hashlib
import os
import sqlite3
import subprocess
import sys
import tempfile

VOLATILE = {"run_id", "id", "processed_at", "seconds"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    output, binary = sys.argv[1], sys.argv[2]
    lines = []
    database = os.path.join(output, "lesiontrack.sqlite")
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    for table in tables:
        if table == "runs" or table.startswith("sqlite_") or table.startswith("grdb_"):
            continue
        cursor = connection.execute(f'SELECT * FROM "{table}"')
        columns = [d[0] for d in cursor.description]
        rows = sorted(
            " ".join(f"{c}={v!r}" for c, v in zip(columns, row) if c not in VOLATILE) for row in cursor.fetchall()
        )
        digest = sha("\n".join(rows).encode())
        lines.append(f"table {table} {digest}")
    connection.close()
    with tempfile.TemporaryDirectory() as folder:
        for form in ("csv", "tsv", "json"):
            target = os.path.join(folder, form)
            subprocess.run([binary, "export", output, "--format", form, "--to", target], check=True,
                           stdout=subprocess.DEVNULL)
            for name in sorted(os.listdir(target)):
                with open(os.path.join(target, name), "rb") as f:
                    lines.append(f"export {form}/{name} {sha(f.read())}")
    for root, _, files in os.walk(output):
        for name in files:
            path = os.path.join(root, name)
            relative = os.path.relpath(path, output)
            if relative.startswith("lesiontrack.sqlite") or name.endswith(".lock"):
                continue
            with open(path, "rb") as f:
                lines.append(f"file {relative} {sha(f.read())}")
    print("\n".join(sorted(lines)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
