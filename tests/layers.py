#!/usr/bin/env python3
"""The house stays layered: which source file calls which, and the circles among them.

    layers.py SRC_DIR [--known FILE] [--graph]

A file depends on another when it uses a function or variable that the other defines without
`static` (definitions come from ctags, as `ctags -x --c-kinds=fv` lists them). Circles are the
strongly connected components of more than one file. Each circle is printed with the calls that
close it. With --known, a circle whose files are all listed on one line of FILE is tolerated
(a written-down debt); any other circle, or a known one that grew, is an error: exit 1.
"""
import re
import subprocess
import sys


def definitions(src, files):
    out = subprocess.run(["ctags", "-x", "--c-kinds=fv", "--language-force=C"] + files,
                         cwd=src, capture_output=True, text=True, check=True).stdout
    defs = {}
    for line in out.splitlines():
        m = re.match(r"(\S+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(.*)$", line)
        if not m:
            continue
        name, kind, _, path, text = m.groups()
        if not path.endswith(".c") or text.lstrip().startswith("static") or kind not in ("function", "variable"):
            continue
        defs.setdefault(name, set()).add(path)
    return defs


def strip_c(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
    text = re.sub(r"'(\\.|[^'\\\n])*'", "''", text)
    return text


def graph(src, files, defs):
    edges = {f: {} for f in files}
    for f in files:
        with open(f"{src}/{f}", encoding="utf-8", errors="replace") as fh:
            words = set(re.findall(r"\b[A-Za-z_]\w*\b", strip_c(fh.read())))
        for w in words:
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


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    src = args[0]
    known = []
    if "--known" in args:
        with open(args[args.index("--known") + 1]) as fh:
            known = [set(l.split()) for l in fh if l.strip() and not l.startswith("#")]
    import os
    files = sorted(f for f in os.listdir(src) if f.endswith(".c"))
    edges = graph(src, files, definitions(src, files))
    if "--graph" in args:
        for f in files:
            print(f"{f}: {' '.join(sorted(edges[f]))}")
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
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
