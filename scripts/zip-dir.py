#!/usr/bin/env python3
"""Write a reproducible zip of the contents of one or more directories, merged at its root.

Same inputs, same bytes: entries sorted, fixed timestamps and modes. Serverless compares the
package hash with the deployed code's, so a rebuild without changes deploys nothing.

Usage: scripts/zip-dir.py OUT.zip DIR [DIR ...]
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

# The earliest date a zip can hold: no build time leaks into the archive.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
# World-readable: Lambda runs the code as another user than the one that unzips it.
FILE_MODE = 0o644


def zip_directories(output: Path, directories: list[Path]) -> int:
    """Zip every file under `directories` (paths relative to each), return the entry count."""
    entries: dict[str, Path] = {}
    for directory in directories:
        for path in directory.rglob("*"):
            if path.is_dir():
                continue
            name = path.relative_to(directory).as_posix()
            if name in entries:
                raise SystemExit(f"{name} is in both {entries[name]} and {path}")
            entries[name] = path
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.external_attr = (0o100000 | FILE_MODE) << 16  # regular file, rw-r--r--
            # Level 9: Lambda downloads and unpacks the package on every cold start.
            archive.writestr(
                info, entries[name].read_bytes(), zipfile.ZIP_DEFLATED, compresslevel=9
            )
    partial.replace(output)
    return len(entries)


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    count = zip_directories(Path(sys.argv[1]), [Path(arg) for arg in sys.argv[2:]])
    print(f"{sys.argv[1]}: {count} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
