#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Count the audit events in a slice of an auditd log, for bench/run.

    events.py LOG START END KEY [--rules FILE] [EXE...]

START and END are byte offsets into LOG (the log's size before and after the measured
commands). Records are grouped into events by their msg=audit(TIME:SERIAL) stamp. Prints one
JSON object: "events" (all), "key" (events with a record carrying key KEY), "key_by_exe" (those
by the exe= of their SYSCALL record), "by_exe" (every event with an exe=, by exe),
"exe" (events whose exe= is one of EXE...), "exe_lines" (log lines naming one of EXE... as
exe=), "paths" (of the events with KEY: name= of their PATH records, counted), "exe_kinds"
and "exe_paths" (what the events of EXE... are: first record type and keys; PATH names).
With --rules FILE (rules as `auditctl -l` lists them), "watched" counts the events that carry
KEY, or any key and name a path at or below a path those rules watch: the events our rules would
have caused whichever rule's key the kernel chose (it reports the first rule that matches, and
the host may watch the same paths under another key); "watched_by_exe" by program.
"key_exec" and "watched_exec": how many of "key" and "watched" are executions (an EXECVE
record: the kernel writes one for every execve(2) and execveat(2) it records).
"""
import binascii
import json
import re
import sys
from collections import Counter

STAMP = re.compile(r"msg=audit\((\d+\.\d+:\d+)\)")
FIELD = re.compile(r'\b(key|exe|name)=("[^"]*"|\S+)')


def value(v):
    """A field's text: quoted as it is, or hex-encoded (auditd's form for unusual bytes)."""
    if v.startswith('"'):
        return v[1:-1]
    if v == "(null)":
        return None
    if re.fullmatch(r"[0-9A-F]+", v) and len(v) % 2 == 0:
        try:
            return binascii.unhexlify(v).decode("utf-8", "replace")
        except ValueError:
            return v
    return v


def main():
    log, start, end, key = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    rest = sys.argv[5:]
    watched = []
    if rest[:1] == ["--rules"]:
        for line in open(rest[1]):
            w = line.split()
            if len(w) >= 2 and w[0] == "-w":
                watched.append(w[1].rstrip("/") or "/")
            for f in w:
                for pre in ("path=", "dir="):
                    if f.startswith(pre):
                        watched.append(f[len(pre):].rstrip("/") or "/")
        rest = rest[2:]
    exes = set(rest)
    with open(log, "rb") as f:
        f.seek(start)
        data = f.read(max(0, end - start)).decode("utf-8", "replace")
    events = {}
    exe_lines = 0
    for line in data.splitlines():
        m = STAMP.search(line)
        if not m:
            continue
        e = events.setdefault(m.group(1), {"keys": set(), "exe": None, "names": [], "types": []})
        t = line.split(" ", 1)[0]
        if t.startswith("type="):
            e["types"].append(t[5:])
        for name, v in FIELD.findall(line):
            v = value(v)
            if v is None:
                continue
            if name == "key":
                # Several keys are joined by 0x01 in the record.
                e["keys"].update(v.split("\x01"))
            elif name == "exe":
                e["exe"] = v
                if v in exes:
                    exe_lines += 1
            elif name == "name" and "type=PATH" in line:
                e["names"].append(v)
    with_key = [e for e in events.values() if key in e["keys"]]

    def under(name):
        return any(name == w or name.startswith(w + "/") or w == "/" for w in watched)

    # Ours whichever key the kernel named: our key, or any key on a path we watch (a PATH name
    # may be relative to the process's directory, so our key alone can name more).
    on_watched = [e for e in events.values()
                  if key in e["keys"] or (e["keys"] and any(under(n) for n in e["names"]))]
    print(json.dumps({
        "events": len(events),
        "key": len(with_key),
        "key_by_exe": Counter(e["exe"] or "?" for e in with_key),
        "by_exe": Counter(e["exe"] for e in events.values() if e["exe"]),
        "exe": sum(1 for e in events.values() if e["exe"] in exes),
        "exe_lines": exe_lines,
        "paths": Counter(n for e in with_key for n in e["names"]),
        "watched": len(on_watched),
        "watched_by_exe": Counter(e["exe"] or "?" for e in on_watched),
        "key_exec": sum(1 for e in with_key if "EXECVE" in e["types"]),
        "watched_exec": sum(1 for e in on_watched if "EXECVE" in e["types"]),
        # What the exe= events are: their first record's type and their keys; and their paths.
        "exe_kinds": Counter("%s key=%s" % (e["types"][0] if e["types"] else "?", ",".join(sorted(e["keys"])) or "none")
                             for e in events.values() if e["exe"] in exes),
        "exe_paths": Counter(n for e in events.values() if e["exe"] in exes for n in e["names"]),
    }))


if __name__ == "__main__":
    main()
