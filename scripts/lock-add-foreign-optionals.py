#!/usr/bin/env python3
"""Records other platforms' optional native packages in package-lock.json.

Our npm registry mirror serves only the Linux builds of packages such as @biomejs/cli-* and
@msgpackr-extract/*, so `npm install` leaves the macOS/Windows/Android variants out of the lock
file and `npm ci` then refuses the lock as out of sync. Entries with the right `os`/`cpu` let
`npm ci` see a complete lock and skip them on Linux, exactly as it would with a full registry.
Run after every `npm install` that changes dependencies: python3 scripts/lock-add-foreign-optionals.py
"""
import json
import re
import sys

PLATFORM = re.compile(r"-(android|darwin|linux|win32|freebsd)-(arm64|x64|arm|ia32)(-musl)?$")

path = sys.argv[1] if len(sys.argv) > 1 else "package-lock.json"
lock = json.load(open(path))
packages = lock["packages"]
added = []
for key, meta in list(packages.items()):
    for dep, version in (meta.get("optionalDependencies") or {}).items():
        target = f"node_modules/{dep}"
        m = PLATFORM.search(dep)
        if target in packages or not m:
            continue
        entry = {"version": version, "cpu": [m.group(2)], "optional": True, "os": [m.group(1)]}
        if m.group(3):
            entry["libc"] = ["musl"]
        packages[target] = entry
        added.append(f"{dep}@{version}")
lock["packages"] = dict(sorted(packages.items(), key=lambda kv: (kv[0] != "", kv[0])))
json.dump(lock, open(path, "w"), indent=2)
open(path, "a").write("\n")
print(f"{path}: added {len(added)} foreign optional packages" + (f": {', '.join(added)}" if added else ""))
