#!/usr/bin/env python3
"""The house stays layered: which source file calls which, the circles among them, and the calls
that run back up a floor.

    layers.py SRC_DIR [--known FILE] [--floors FILE] [--readme FILE] [--graph] [--table]

A file depends on another when it uses a function or variable that the other defines without
`static` (definitions come from ctags, as `ctags -x --c-kinds=fv` lists them) and that it does not
define itself. Circles are the strongly connected components of more than one file. Each circle
is printed with the calls that close it. With --known, a circle whose files are all listed on one
line of FILE is tolerated (a written-down debt); any other circle, or a known one that grew, is an
error.

With --floors, FILE gives each source file a floor ("discover.c 9"; lower floors are called by
higher ones): a file may use only files on a lower floor, or on its own floor when no circle
forms. A call to a higher floor, or a source file with no floor (or a floor for a file that is
gone), is an error. --readme checks that the table between `<!-- floors -->` and
`<!-- /floors -->` in FILE (src/README.md) lists the same floors; --table prints that table.
--graph prints each file's floor (with --floors) and the files it uses. Exit 1 on any error.
"""
import os
import re
import subprocess
import sys


def definitions(src, files):
    out = subprocess.run(["ctags", "-x", "--c-kinds=fv", "--language-force=C"] + files,
                         cwd=src, capture_output=True, text=True, check=True).stdout
    defs, own = {}, {f: set() for f in files}
    for line in out.splitlines():
        m = re.match(r"(\S+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(.*)$", line)
        if not m:
            continue
        name, kind, _, path, text = m.groups()
        if not path.endswith(".c") or kind not in ("function", "variable"):
            continue
        own.setdefault(path, set()).add(name)
        if text.lstrip().startswith("static"):
            continue
        defs.setdefault(name, set()).add(path)
    return defs, own


def strip_c(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
    text = re.sub(r"'(\\.|[^'\\\n])*'", "''", text)
    return text


def graph(src, files, defs, own):
    edges = {f: {} for f in files}
    for f in files:
        with open(f"{src}/{f}", encoding="utf-8", errors="replace") as fh:
            words = set(re.findall(r"\b[A-Za-z_]\w*\b", strip_c(fh.read())))
        for w in words - own.get(f, set()):
            for owner in defs.get(w, ()):
                if owner != f:
                    edges[f].setdefault(owner, set()).add(w)
    return edges


def sccs(edges):
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return [c for c in out if len(c) > 1]


def read_floors(path):
    floors = {}
    with open(path) as fh:
        for n, line in enumerate(fh, 1):
            line = line.split("#", 1)[0].split()
            if not line:
                continue
            if len(line) != 2 or not line[1].isdigit():
                raise SystemExit(f"{path}:{n}: want \"FILE FLOOR\"")
            floors[line[0]] = int(line[1])
    return floors


def table(floors):
    rows = ["| Floor | Files |", "| --- | --- |"]
    for fl in sorted(set(floors.values()), reverse=True):
        names = sorted(f for f in floors if floors[f] == fl)
        rows.append(f"| {fl} | {', '.join(f'`{n}`' for n in names)} |")
    return rows


def readme_floors(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    m = re.search(r"<!-- floors -->\n(.*?)<!-- /floors -->", text, re.S)
    if not m:
        return None
    floors = {}
    for line in m.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0].isdigit():
            for name in re.findall(r"`([^`]+)`", cells[1]):
                floors[name] = int(cells[0])
    return floors


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2

    def opt(name):
        return args[args.index(name) + 1] if name in args else None

    src = args[0]
    known = []
    if opt("--known"):
        with open(opt("--known")) as fh:
            known = [set(l.split()) for l in fh if l.strip() and not l.startswith("#")]
    floors = read_floors(opt("--floors")) if opt("--floors") else None
    files = sorted(f for f in os.listdir(src) if f.endswith(".c"))
    edges = graph(src, files, *definitions(src, files))
    if "--table" in args and floors is not None:
        print("\n".join(table(floors)))
        return 0
    if "--graph" in args:
        for f in files:
            fl = f"[{floors.get(f, '?')}] " if floors is not None else ""
            print(f"{fl}{f}: {' '.join(sorted(edges[f]))}")
    bad = 0
    for comp in sccs(edges):
        tolerated = any(set(comp) <= k for k in known)
        print(f"{'known' if tolerated else 'NEW'} circle of {len(comp)} files: {' '.join(comp)}")
        for f in comp:
            for g in sorted(edges[f]):
                if g in comp:
                    print(f"    {f} -> {g}: {', '.join(sorted(edges[f][g])[:4])}")
        bad += not tolerated
    if bad:
        print(f"{bad} circle(s) not in the known list: a file calls back up; move the helper down", file=sys.stderr)
    if floors is not None:
        for f in files:
            if f not in floors:
                print(f"{f}: no floor in {opt('--floors')}: give it one", file=sys.stderr)
                bad += 1
        for f in sorted(set(floors) - set(files)):
            print(f"{f}: has a floor in {opt('--floors')} but is not in {src}", file=sys.stderr)
            bad += 1
        for f in files:
            for g in sorted(edges[f]):
                if f in floors and g in floors and floors[g] > floors[f]:
                    print(f"UP {f} (floor {floors[f]}) -> {g} (floor {floors[g]}): "
                          f"{', '.join(sorted(edges[f][g])[:4])}")
                    bad += 1
        if opt("--readme"):
            drawn = readme_floors(opt("--readme"))
            if drawn != floors:
                print(f"{opt('--readme')}: its floors table is not {opt('--floors')}'s; it should read:",
                      file=sys.stderr)
                print("\n".join(table(floors)), file=sys.stderr)
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
