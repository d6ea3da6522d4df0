#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn the raw measurements of bench/run (DATA directory) into the Markdown results file.

    report.py DATA OUTPUT
"""
import bisect
import json
import os
import re
import statistics
import sys

DATA, OUTPUT = sys.argv[1], sys.argv[2]
meta = json.load(open(os.path.join(DATA, "meta.json")))
KIB_LIMIT = 4 * 1024


def path(*a):
    return os.path.join(DATA, *a)


def exists(name):
    return os.path.exists(path(name))


def read(name, default=None):
    try:
        with open(path(name)) as f:
            return f.read()
    except OSError:
        return default


def first_json(text):
    """The first JSON object in text (stderr may be mixed in)."""
    if not text:
        return None
    i = text.find("{")
    if i < 0:
        return None
    try:
        return json.JSONDecoder().raw_decode(text[i:])[0]
    except ValueError:
        return None


def fmt_t(s):
    if s is None:
        return "n/a"
    if s < 0.0001:
        return "%.1f µs" % (s * 1e6)
    if s < 0.01:
        return "%.2f ms" % (s * 1e3)
    if s < 1:
        return "%.1f ms" % (s * 1e3)
    return "%.2f s" % s


class Kib(int):
    """A peak RSS in KiB: the median of the runs, with their min, max and number."""

    def __new__(cls, values):
        k = super().__new__(cls, int(statistics.median(values)))
        k.min, k.max, k.n = min(values), max(values), len(values)
        return k


def fmt_kib(k):
    if k is None:
        return "n/a"
    if isinstance(k, Kib) and k.n > 1:
        return "%.2f MiB (median %d KiB, %d – %d, n=%d)" % (k / 1024, k, k.min, k.max, k.n)
    return "%.2f MiB (%d KiB)" % (k / 1024, k)


def summary(times):
    if not times:
        return None
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "n": len(times)}


def fmt_sum(s):
    if not s:
        return "n/a", "n/a"
    return fmt_t(s["median"]), "%s – %s (n=%d)" % (fmt_t(s["min"]), fmt_t(s["max"]), s["n"])


def hyper(name):
    d = first_json(read(name))
    if not d:
        return []
    return [summary(r["times"]) | {"codes": sorted(set(int(c) for c in r.get("exit_codes", []) if c is not None))}
            for r in d["results"]]


def rss(name):
    t = read(name)
    try:
        values = [int(x) for x in t.split()]
    except (AttributeError, ValueError):
        return None
    return Kib(values) if values else None


def yes(b):
    return "reported" if b is None else ("**yes**" if b else "**NO**")


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt_x(r):
    return "n/a" if r is None else ("%.0fx" % r if r >= 10 else "%.2fx" % r)


def pair_ratios(name, num, den):
    """Per-round ratios times[num] / times[den] of a paired run, summarized."""
    d = first_json(read(name))
    if not d:
        return None
    return summary([row[num] / row[den] for row in d["times"] if row[den]])


def pair_times(name, i):
    d = first_json(read(name))
    return summary([row[i] for row in d["times"]]) if d else None


def fmt_r(s):
    """A ratio summary: median (min – max, n)."""
    if not s:
        return "n/a"
    return "%s (%s – %s, n=%d)" % (fmt_x(s["median"]), fmt_x(s["min"]), fmt_x(s["max"]), s["n"])


# --- the host's rule sets ----------------------------------------------------------------------
SETINFO = {}
for line in (read("sets.tsv") or "").splitlines():
    f = line.split("\t")
    if len(f) >= 4:
        SETINFO[f[0]] = {"src": int(f[1]), "kept": int(f[2]), "desc": f[3]}
SETS = [s for s in meta.get("sets", []) if exists("set-%s.n" % s)] if meta["kernel_ok"] else []

# --- CONFIG_CHANGE records (bench/recorder.c): their time stamps, to count them per run -----
CC, CC_BENCH, CC_LOST = [], [], None
BENCH_KEYS = [k.encode() for k in (meta["ukey"], meta["dkey"])]
BENCH_KEYS += [k.hex().upper().encode() for k in BENCH_KEYS]   # a rule with several keys: hex
for line in (read("config-change.log") or "").splitlines():
    if line.startswith("# lost "):
        CC_LOST = int(line.split()[2])
        continue
    try:
        t = float(line.split(" ", 1)[0])
    except ValueError:
        continue
    CC.append(t)
    if any(k in line.encode() for k in BENCH_KEYS):
        CC_BENCH.append(t)
CC.sort()
CC_BENCH.sort()
HAVE_CC = exists("config-change.log")


def records(t0, t1, bench_only=False):
    """CONFIG_CHANGE records made between t0 and t1, all or only those of rules with a bench key
    (the kernel stamps a record with its coarse clock, up to one tick, 4 ms here, behind: the
    window starts 5 ms early; bench/run leaves 20 ms without rule changes on both sides of
    every run)."""
    if not HAVE_CC:
        return None
    c = CC_BENCH if bench_only else CC
    return bisect.bisect_right(c, t1 + 0.002) - bisect.bisect_left(c, t0 - 0.005)


# The records a run leaves: every record for the real augenrules (it flushes every rule of the
# host); those of the bench's keys otherwise (another process changing its own rules at the same
# time is not the run's doing).
def run_records(method, t0, t1):
    return records(t0, t1, bench_only=not (method != "tool" and meta.get("real_augenrules")))


# --- provisioning ------------------------------------------------------------------------------
def prov(method, scen, s):
    rows = []
    for line in (read("prov-%s-%s-%s.tsv" % (method, scen, s)) or "").splitlines():
        rep, t0, t1, rc, ub, db, ua, da = line.split()
        r = {"rep": int(rep), "t": float(t1) - float(t0), "rc": int(rc), "rec": run_records(method, float(t0), float(t1)),
             "ub": int(ub), "db": int(db), "ua": int(ua), "da": int(da)}
        if method == "tool":
            j = first_json(read("prov-tool-%s-%s-%s.json" % (scen, s, rep))) or {}
            k = j.get("kernel", {})
            r["added"], r["removed"] = len(k.get("added", [])), len(k.get("removed", []))
            r["removed_lines"] = k.get("removed", [])
        else:
            r["removed"], r["added"] = r["ub"] + r["db"], r["ua"] + r["da"]
        rows.append(r)
    return rows


# --- audit gap ---------------------------------------------------------------------------------
def longest_interval(samples, bad):
    """Longest time from the first sample of a run of bad samples to the next good one."""
    longest, start, unrestored, n_bad = 0.0, None, False, 0
    for s in samples:
        if bad(s):
            n_bad += 1
            if start is None:
                start = s["snap"]
        elif start is not None:
            longest = max(longest, s["snap"] - start)
            start = None
    if start is not None:
        unrestored = True
        longest = max(longest, samples[-1]["snap"] - start)
    return longest, n_bad, unrestored


def gap(method, scen, s):
    name = "%s-%s-%s" % (method, scen, s)
    m = read("gap-%s.meta" % name)
    if not m:
        return None
    t0, t1, rc, n_exp, n_paths, ub, db = m.split()
    t0, t1 = float(t0), float(t1)
    samples, dropped = [], 0
    for line in (read("gap-%s.samples" % name) or "").splitlines():
        if line.startswith("# dropped "):
            dropped = int(line.split()[2])
            continue
        a, b, nu, nd, pres = line.split()
        samples.append({"snap": (int(a) + int(b)) / 2e9, "nu": int(nu), "nd": int(nd),
                        "full": "0" not in pres})
    if not samples:
        return None
    during = [i for i, x in enumerate(samples) if t0 <= x["snap"] <= t1]
    lo = max(0, (during[0] if during else next((i for i, x in enumerate(samples) if x["snap"] > t0), len(samples))) - 1)
    hi = min(len(samples) - 1, (during[-1] if during else lo) + 1)
    window = [samples[i]["snap"] for i in range(lo, hi + 1)]
    intervals = [b - a for a, b in zip(window, window[1:])]
    dgap, d_bad, d_unrestored = longest_interval(samples, lambda x: not x["full"])
    ugap, u_bad, u_unrestored = longest_interval(samples, lambda x: x["nu"] < int(n_exp))
    after = (read("gap-%s.after" % name) or "0 0").split()
    out = first_json(read("gap-%s.out" % name)) if method == "tool" else None
    k = (out or {}).get("kernel", {})
    return {
        "wall": t1 - t0, "rc": int(rc), "n_paths": int(n_paths), "samples": len(samples), "dropped": dropped,
        "during": len(during), "res_median": statistics.median(intervals) if intervals else None,
        "res_max": max(intervals) if intervals else None, "rec": run_records(method, t0, t1),
        "first_full": samples[0]["full"], "dgap": dgap, "d_bad": d_bad, "d_unrestored": d_unrestored,
        "ugap": ugap, "u_bad": u_bad, "u_unrestored": u_unrestored, "n_exp": int(n_exp),
        "umin": min(x["nu"] for x in samples), "umax": max(x["nu"] for x in samples),
        "ub": int(ub), "db": int(db), "ua": int(after[0]), "da": int(after[1]),
        "added": len(k.get("added", [])) if out else int(after[0]) + int(after[1]),
        "removed": len(k.get("removed", [])) if out else int(ub) + int(db),
        "removed_lines": k.get("removed", []),
    }


def strace_counts(s):
    t = read("idem-%s.strace" % s)
    if t is None:
        return None
    c = {"add": 0, "del": 0, "total": 0}
    for line in t.splitlines():
        if "sendto(" not in line or "AF_NETLINK" not in line:
            continue
        c["total"] += 1
        if re.search(r"nlmsg_type=(AUDIT_ADD_RULE|0x3f3\b)", line):
            c["add"] += 1
        if re.search(r"nlmsg_type=(AUDIT_DEL_RULE|0x3f4\b)", line):
            c["del"] += 1
    return c


def rulecost(s):
    adds, dels = [], []
    for line in (read("rulecost-%s.txt" % s) or "").splitlines():
        f = line.split()
        if len(f) == 2:
            adds.append(int(f[0]) / 1e9)
            dels.append(int(f[1]) / 1e9)
    return summary(adds), summary(dels)


def lookups(s):
    """One path lookup (lstat) with the set loaded: seconds, one figure a round."""
    return summary([int(l) / 1e9 for l in (read("lookup-%s.txt" % s) or "").split() if l.isdigit()])


FILE_CALLS = {"newfstatat", "fstatat64", "lstat", "stat", "statx", "openat", "open", "readlink", "readlinkat",
              "access", "faccessat", "faccessat2", "execve", "getxattr", "lgetxattr", "listxattr", "mkdir",
              "rename", "renameat", "renameat2", "unlink", "unlinkat", "chmod", "fchmodat", "chown", "fchownat"}


def syscalls(name):
    """strace -c's table: (system calls in all, those that look up a path) or None."""
    text = read(name)
    if not text:
        return None
    total = paths = 0
    for line in text.splitlines():
        f = line.split()
        if len(f) >= 5 and f[0][0].isdigit() and not line.lstrip().startswith("100.00"):
            calls, sc = int(f[3]), f[-1]
            total += calls
            if sc in FILE_CALLS:
                paths += calls
    return total, paths


# --- collect -----------------------------------------------------------------------------------
R = {}
SCEN = ("install", "resync")
for s in SETS:
    r = R[s] = {"n": int((read("set-%s.n" % s) or "0").strip() or 0)}
    r["cost_add"], r["cost_del"] = rulecost(s)
    r["lookup"] = lookups(s)
    r["check_calls"], r["ctl_calls"] = syscalls("check-%s.syscalls" % s), syscalls("ctl-%s.syscalls" % s)
    for sc in SCEN:
        r["tool", sc], r["aug", sc] = prov("tool", sc, s), prov("augenrules", sc, s)
        r["gap_tool", sc], r["gap_aug", sc] = gap("tool", sc, s), gap("augenrules", sc, s)
        r["tool_t", sc] = summary([x["t"] for x in r["tool", sc]])
        # The recipe's figure: its timed runs, or, where a run costs minutes, the sampled run alone.
        aug_t = [x["t"] for x in r["aug", sc]]
        r["aug_sampled", sc] = not aug_t and r["gap_aug", sc] is not None
        if r["aug_sampled", sc]:
            aug_t = [r["gap_aug", sc]["wall"]]
        r["aug_t", sc] = summary(aug_t)
    # Where only the recipe's re-sync ran (it flushes and loads everything either way), its install is that run.
    r["aug_install_is_resync"] = s in (read("recipe-install-is-resync") or "").split()
    if r["aug_install_is_resync"]:
        r["aug_t", "install"] = r["aug_t", "resync"]
        r["aug_sampled", "install"] = r["aug_sampled", "resync"]
    h = hyper("idem-%s.json" % s)
    r["idem_t"] = h[0] if h else None
    j = first_json(read("idem-%s.summary.json" % s)) or {}
    r["idem_added"] = len(j.get("kernel", {}).get("added", [None]))
    r["idem_removed"] = len(j.get("kernel", {}).get("removed", [None]))
    r["idem_fragment_written"] = j.get("fragment", {}).get("written")
    r["idem_strace"] = strace_counts(s)
    h = hyper("check-%s.json" % s)
    r["check_t"], r["grep_t"], r["ctl_t"], r["checkf_t"] = (h + [None] * 4)[:4]
    r["pair_check_ctl"] = pair_ratios("pair-%s.json" % s, 0, 1)
    r["pair_grep_check"] = pair_ratios("pair-%s.json" % s, 2, 0)
    r["pair_t"] = [pair_times("pair-%s.json" % s, i) for i in range(3)]
    c = first_json(read("check-%s.summary.json" % s)) or {}
    r["check_status"] = c.get("status")
    tg = c.get("targets", [])
    r["check_targets"] = len(tg)
    r["check_in_kernel"] = sum(1 for t in tg if t.get("in_kernel"))
    r["check_watched"] = sum(1 for t in tg if t.get("watched"))
    for what in ("install", "idem", "check", "auditctl"):
        r["rss_" + what] = rss("rss-%s-%s" % (what, s))
    r["fragment_rules"] = sum(1 for l in (read("fragment-%s.rules" % s) or "").splitlines() if l.startswith("-"))
    r["all_rules"] = (read("all-rules-%s.txt" % s) or "?").strip()

med = lambda x: x["median"] if x else None  # noqa: E731
targets = []  # (figure, measured, target, met: True, False or None for a figure without target)
smax = max(R, key=lambda s: R[s]["n"]) if R else None


def fmt_n(rs):
    """A list of counts: median (min – max, n)."""
    rs = [x for x in rs if x is not None]
    if not rs:
        return "n/a"
    if min(rs) == max(rs):
        return "%d (n=%d)" % (rs[0], len(rs))
    return "%s (%d – %d, n=%d)" % (statistics.median(rs), min(rs), max(rs), len(rs))


for s, r in R.items():
    gi, gr = r["gap_tool", "install"], r["gap_tool", "resync"]
    if gi and gr:
        ok = all(g["u_bad"] == 0 and g["umin"] == r["n"] for g in (gi, gr))
        targets.append(("host rules absent while the tool installs and re-syncs, set `%s` (%d rules)" % (s, r["n"]),
                        "%s (sampler: %s..%s of %d rules seen in %d + %d samples during the runs, resolution %s)" % (
                            "0" if ok else "%s / %s" % (fmt_t(gi["ugap"]), fmt_t(gr["ugap"])),
                            min(gi["umin"], gr["umin"]), max(gi["umax"], gr["umax"]), r["n"],
                            gi["during"], gr["during"], fmt_t(max(gi["res_max"] or 0, gr["res_max"] or 0))),
                        "0", ok))
    if gr:
        targets.append(("Docker's paths unwatched while the tool re-syncs, set `%s`" % s,
                        "0 (no sample missed a path; %d samples during the run, resolution %s)" % (gr["during"], fmt_t(gr["res_max"]))
                        if gr["d_bad"] == 0 else "%s (%d samples missed a path)" % (fmt_t(gr["dgap"]), gr["d_bad"]),
                        "0", gr["d_bad"] == 0 and gr["first_full"]))
    rows = r["tool", "install"] + r["tool", "resync"]
    touched = sum(abs(x["ua"] - x["ub"]) for x in rows)
    removed_foreign = sum(1 for x in rows for l in x.get("removed_lines", []) if meta["ukey"] in l)
    targets.append(("host rules the tool added or removed, set `%s`" % s,
                    "%d (host rules counted before and after each of %d runs)" % (touched + removed_foreign, len(rows)),
                    "0", touched == 0 and removed_foreign == 0))
    if HAVE_CC and rows:
        bad = [x for x in rows if x["rec"] != x["added"] + x["removed"]]
        targets.append(("CONFIG_CHANGE records a tool run leaves = the rules it changed, set `%s`" % s,
                        "install: %s records for %s rules changed; re-sync: %s for %s" % (
                            fmt_n([x["rec"] for x in r["tool", "install"]]),
                            fmt_n([x["added"] + x["removed"] for x in r["tool", "install"]]),
                            fmt_n([x["rec"] for x in r["tool", "resync"]]),
                            fmt_n([x["added"] + x["removed"] for x in r["tool", "resync"]])),
                        "equal, whatever the host's rules", not bad))
if R:
    bits = []
    for s, r in R.items():
        a, t = med(r["aug_t", "resync"]), med(r["tool_t", "resync"])
        bits.append("`%s` %s vs %s" % (s, fmt_t(t), fmt_t(a)))
    targets.append(("re-sync wall time, the tool vs `augenrules --load` (%s), per set" % (
                        "the REAL one" if meta.get("real_augenrules") else "emulated"),
                    "; ".join(bits),
                    "no ratio target: it replaces \">= 1000x at N = 1,000\" (see below)", None))
if smax is not None:
    r = R[smax]
    note = "" if r["n"] >= 10000 else " (target is at 10,000 rules; quick run)"
    x = r["pair_grep_check"]
    targets.append(("--check with the host's rules of set `%s` (%d): grep method / --check (paired, per-round ratio)" % (smax, r["n"]),
                    fmt_r(x), ">= 15x" + note, x is not None and x["median"] >= 15))
    y = r["pair_check_ctl"]
    targets.append(("--check with set `%s`: --check / one bare auditctl -l (paired, per-round ratio)" % smax, fmt_r(y),
                    "<= 1.2x" + note, y is not None and y["median"] <= 1.2))
for what, label in (("install", "install"), ("check", "--check")):
    ks = [(s, r["rss_" + what]) for s, r in R.items() if r["rss_" + what] is not None]
    if ks:
        s, k = max(ks, key=lambda sk: sk[1])
        targets.append(("peak RSS of %s, the highest over the sets (set `%s`)" % (label, s), fmt_kib(k), "< 4 MiB", k < KIB_LIMIT))
if R:
    bad = []
    for s, r in R.items():
        st = r["idem_strace"]
        if not (r["idem_added"] == 0 and r["idem_removed"] == 0 and (st is None or (st["add"] == 0 and st["del"] == 0))):
            bad.append(s)
    targets.append(("idempotent re-run: add/delete requests, every set",
                    "; ".join("`%s` %d/%d (strace: %s)" % (s, r["idem_added"], r["idem_removed"],
                                                         "%d/%d of %d" % (r["idem_strace"]["add"], r["idem_strace"]["del"], r["idem_strace"]["total"])
                                                         if r["idem_strace"] else "not run") for s, r in R.items()),
                    "0", not bad))

# --- host parts ------------------------------------------------------------------------------
EV = {}
for what in ("idem", "check"):
    EV[what] = first_json(read("events-%s.json" % what))
ev_runs = int((read("events-runs") or "0").strip() or 0)
for what, label in (("idem", "idempotent run"), ("check", "--check")):
    e = EV[what]
    if e is not None and ev_runs:
        targets.append(("audit events caused by the tool per %s (unchanged host, exe=%s)" % (label, "the tool's binary"),
                        "%.1f (%d events, %d log lines in %d runs)" % (e["exe"] / ev_runs, e["exe"], e["exe_lines"], ev_runs),
                        "0", e["exe"] == 0))

HC = {}   # config -> round -> row
for line in (read("host-cost.tsv") or "").splitlines():
    f = line.split()
    if len(f) < 8:
        continue
    num = lambda v: None if v == "-" else float(v)  # noqa: E731
    HC.setdefault(f[1], {})[int(f[0])] = {"rules": int(f[2]), "run": num(f[3]), "dd": num(f[4]),
                                           "ow": num(f[5]), "od": num(f[6]), "ou": num(f[7])}


def host_ratio(cfg, field):
    base = HC.get("none", {})
    rs = [row[field] / base[k][field] for k, row in HC.get(cfg, {}).items()
          if k in base and row[field] is not None and base[k][field]]
    return summary(rs)


RUN_PAIRS = []  # (seconds with no rules, seconds with the tool's default rules)
for line in (read("host-run-pairs.tsv") or "").splitlines():
    f = line.split()
    if len(f) == 2:
        RUN_PAIRS.append((float(f[0]), float(f[1])))
if RUN_PAIRS:
    x = summary([b / a for a, b in RUN_PAIRS if a > 0])
    targets.append(("docker run latency with the tool's rules (default configuration) / no rules "
                    "(alternated single runs, per-pair ratio)", fmt_r(x), "<= 1.02x", x is not None and x["median"] <= 1.02))
elif "tool-state" in HC and "none" in HC:
    x = host_ratio("tool-state", "run")
    targets.append(("docker run latency with the tool's rules (default configuration) / no rules (paired by round)",
                    fmt_r(x), "<= 1.02x", x is not None and x["median"] <= 1.02))

noise_runs = int((read("noise-runs") or "0").strip() or 0)
NZ = {}
for name in sorted(os.listdir(DATA)):
    m = re.match(r"noise-(.+)-(run|import|rm)\.json$", name)
    if m:
        NZ.setdefault(m.group(1), {})[m.group(2)] = first_json(read(name))
ORDER_FIRST = bool(meta.get("order_first"))
# With the tool's rules first (--order first), an event carries our key exactly when our rules
# take it: that is the count judged. Otherwise the kernel may name the host's own rules on the
# same paths, and our key or any key on our paths is counted.
NOISE_FIELD = "key" if ORDER_FIRST else "watched"
NOISE_LABEL = "with our key, our rules first" if ORDER_FIRST else "our key, or any key on our paths"


def noise_per_run(cfg, field=None):
    """Events per docker run, one figure a run."""
    out = []
    for name in sorted(os.listdir(DATA)):
        m = re.match(r"noise-%s-run-(\d+)\.json$" % re.escape(cfg), name)
        if m:
            e = first_json(read(name))
            if e:
                out.append(e.get(field or NOISE_FIELD, e["key"]))
    return out


def noise_exec_per_run(cfg):
    """Of those events, the executions (an EXECVE record), one figure a run; [] when the
    recordings predate that count."""
    out = []
    for name in sorted(os.listdir(DATA)):
        m = re.match(r"noise-%s-run-(\d+)\.json$" % re.escape(cfg), name)
        if m:
            e = first_json(read(name))
            if not e or NOISE_FIELD + "_exec" not in e:
                return []
            out.append(e[NOISE_FIELD + "_exec"])
    return out


QUIET_EXEC = None   # (median executions, median events) per docker run in the quiet mode


for cfg, budget, label in (("tool-state", 20, "default configuration"),
                           ("tool-quiet", 10, "quiet mode (`--binary-reads others`)")):
    per = noise_per_run(cfg)
    if per:
        x = summary(per)
        ex = noise_exec_per_run(cfg)
        xe = summary(ex) if len(ex) == len(per) else None
        if cfg == "tool-quiet" and xe:
            QUIET_EXEC = (xe["median"], x["median"])
        targets.append(("audit events per docker run, %s (%s)" % (label, NOISE_LABEL),
                        "%s (%s – %s, n=%d)%s" % (x["median"], x["min"], x["max"], x["n"],
                                                  "; executions among them %s (%s – %s)" % (xe["median"], xe["min"], xe["max"])
                                                  if xe else ""),
                        "<= %d" % budget, x["median"] <= budget))
    elif cfg in NZ and NZ[cfg].get("run") and noise_runs:
        e = NZ[cfg]["run"]
        k = e.get("watched", e["key"]) / noise_runs
        targets.append(("audit events per docker run, %s (our key, or any key on our paths)" % label,
                        "%.1f (mean of %d runs; %.1f with our key)" % (k, noise_runs, e["key"] / noise_runs),
                        "<= %d" % budget, k <= budget))
if "tool-quiet" not in NZ and NZ:
    targets.append(("audit events per docker run, quiet mode", "not measured: this build has no `--binary-reads`",
                    "<= 10", False))

REPM = first_json(read("report-mixed.json"))
REPD = first_json(read("report-docker.json"))
REPORT_SRC = "recordings" if exists("report-log-mixed.txt") else "fixture"


def share(name):
    m = re.search(r"\(([\d.]+) %\)", read(name) or "")
    return float(m.group(1)) if m else None


if REPM:
    lab = "the mixed log" if REPORT_SRC == "recordings" else "a log repeating the report fixture"
    x = pair_ratios("report-mixed.json", 1, 0)
    targets.append(("--report on %s (%s MiB): ausearch -k KEY -i / --report (paired, per-round ratio)" % (lab, meta.get("log_mb")),
                    fmt_r(x), ">= 10x", x is not None and x["median"] >= 10))
    y = pair_ratios("report-mixed.json", 0, 2)
    targets.append(("--report on %s: --report / grep -c KEY (paired, per-round ratio)" % lab,
                    fmt_r(y), "<= 3x", y is not None and y["median"] <= 3))
    if REPORT_SRC == "recordings":
        sh = share("report-log-mixed.txt")
        targets.append(("Docker's share of the mixed log's events", "%s %%" % sh, "<= 10 %", sh is not None and sh <= 10.0))
if REPD:
    x = pair_ratios("report-docker.json", 1, 0)
    targets.append(("--report on the all-Docker log (%s MiB): ausearch -k KEY -i / --report (paired, per-round ratio)" % meta.get("log_mb"),
                    fmt_r(x), ">= 5x", x is not None and x["median"] >= 5))
ks = [(n, rss(f)) for n, f in (("mixed log", "rss-report"), ("all-Docker log", "rss-report-docker"),
                               ("rotated logs", "rss-report-rotated")) if rss(f) is not None]
if ks:
    n, k = max(ks, key=lambda nk: nk[1])
    targets.append(("peak RSS of --report, the highest over the logs (%s)" % n, fmt_kib(k), "< 8 MiB", k < 8 * 1024))

# --- write -------------------------------------------------------------------------------------
o = []
w = o.append
w("# docker-audit-rules: benchmark results")
w("")
w("Written by `bench/run%s` — do not edit by hand; run the script again instead." % (" --quick" if meta["quick"] else ""))
w("")
w("| | |")
w("|---|---|")
for k, v in (("date", meta["date"]), ("variant", "quick (sets none, stig, watch-1000; 2 repetitions)" if meta["quick"] else "full"),
             ("machine", "%s CPUs (`nproc`), %s" % (meta["nproc"], meta["cpu"])), ("OS", meta["os"]),
             ("kernel (`uname -r`)", meta["kernel"]), ("audit (`auditctl -v`)", meta["audit_version"]),
             ("audit state found", "enabled %s, auditd pid %s (%s)"
              % (meta["enabled"], meta["auditd_pid"] or "0",
                 "the host parts started a private auditd, pid %s, and set the enabled flag back afterwards"
                 % (read("auditd-pid") or "?").strip() if exists("auditd-pid") else
                 "left as found; no auditd started: %s" % ((read("auditd-skipped") or "no kernel audit").strip()))),
             ("packages", meta["packages"] or "n/a"), ("tool", "%s (%s)" % (meta["tool_version"], meta["binary"])),
             ("timing", "%s; provisioning by the script's own clock (bash `$EPOCHREALTIME`)" %
              (meta["hyperfine"] or "python timing loop")),
             ("peak RSS", meta["timer"] + (" (`-f %M`)" if meta["timer"] == "/usr/bin/time" else "")),
             ("bench run time", "%.0f s (%.1f min), the deletion of the last set's rules afterwards not included"
              % (meta.get("duration_s", 0), meta.get("duration_s", 0) / 60))):
    w("| %s | %s |" % (k, v))
w("")
if meta.get("binary_changed"):
    w("**The binary was replaced (rebuilt) during this run:** figures taken before and after the")
    w("change come from different builds. Run the script again on a quiet build directory.")
    w("")
if not meta["kernel_ok"]:
    w("**The kernel parts were skipped:** %s. Only the fixture sweep below ran." % meta["why_no_kernel"])
    w("")

def status_file(name):
    d = {}
    for line in (read(name) or "").splitlines():
        f = line.split()
        if len(f) == 2 and f[1].isdigit():
            d[f[0]] = int(f[1])
    return d


_a, _b = status_file("audit-status-start"), status_file("audit-status-end")
KLOST = ""
if "lost" in _a and "lost" in _b and _b["lost"] > _a["lost"]:
    KLOST = (" The kernel's count of records it lost (`auditctl -s`: backlog or hold queue overflows) grew by"
             " %d during the kernel parts (backlog limit %s): a burst such as a flush of thousands of rules"
             " outruns it, so a recipe's count can be short of the rules it changed; the tool's runs change"
             " tens of rules at most."
             % (_b["lost"] - _a["lost"], _a.get("backlog_limit", "?")))

w("## How each figure was measured")
w("")
w("""- **The host's rules** are real rule sets, one at a time (section 0): the example rules auditd
  ships (`/usr/share/doc/auditd/examples/rules`: STIG with the privileged-commands rules generated
  as `31-privileged.rules` says, OSPP v4.2, PCI-DSS v3.1; only their `-a` and `-w` lines, each
  tried once: those this kernel refuses are left out and listed), and watch-heavy sets on existing
  files (`-w FILE -p wa`), 10 files in each of 100 or 1,000 directories under /usr and /etc in a
  fixed pseudo-random order (the kernel hangs every watch on its parent directory's mark, so the
  directories matter, not only the count). Each rule keeps its own key and gets the bench key
  `%(u)s` as a second one, so that the bench removes exactly its rules. The same lines are
  `10-unrelated-NN.rules` files of 2,000 lines in both temporary rules directories, as a host's
  rules.d would hold them.
  The tool's rules carry the key `%(d)s` (`-k`). %(touch)s.
- **The kernel's cost of one rule change** (`bench/rulecost.c`, compiled by the script against
  libaudit): a watch on an existing file in a directory of its own, added and deleted again %(rc)s
  times with the set loaded; the kernel does the work inside the sending system call
  (`audit_receive()`), so the time around each libaudit call is that work plus one netlink round
  trip.
- **Install and re-sync** (same start for every repetition): *install* starts with no docker rule
  loaded and no fragment; *re-sync* with the tool's rules loaded, one wanted rule deleted and one
  stale rule with the docker key added (one add and one delete to do). (a) the tool:
  `docker-audit-rules --rules-dir TMP -k KEY -q --format json` (its JSON summary gives the rules
  added and removed); (b) the `augenrules --load` recipe, %(recipe)s. Wall time by the script's
  clock around the one command. Repetitions: the tool 5 (3 at 10,000 rules); the recipe 3 up to
  200 rules, and above that only the sampled runs below (n=1; above 1,000 rules only the
  re-sync, which is also its install: it flushes and loads everything either way): each of its
  runs deletes every rule one kernel request at a time, seconds at 1,000 rules and minutes at
  10,000 on a kernel whose rule deletion costs milliseconds.
- **CONFIG_CHANGE records**: `bench/recorder.c` listens on the kernel's audit multicast group
  (`AUDIT_NLGRP_READLOG`, the records auditd receives, without an auditd) during all the kernel
  parts, %(enabled)s; the records whose time stamp falls within a run are that run's (the
  script leaves 20 ms without rule changes on both sides of each run): %(which)s.%(lost)s
- **Audit gap.** A second process (`bench/sampler.c`) sends `audit_request_rules_list_data` in a
  tight loop and reads every reply; the kernel takes each list under `audit_filter_mutex`, so
  every sample is a consistent snapshot, time-stamped between just before and just after the
  request. It records, per sample, which docker paths watched before the run are present and how
  many host rules there are. One more run of each kind (install, re-sync; tool, recipe) runs
  under it. The gaps are the longest time from a sample that misses a docker path (or any host
  rule) to the next sample that has them all; the resolution is the interval between consecutive
  samples around the run (one listing of every rule, so it grows with the rules loaded).
- **Idempotent re-run**: the tool again with nothing to do, timed with hyperfine; added/removed
  from its JSON summary, and the netlink messages it sends counted with `strace -f -e
  trace=sendto` (`AUDIT_ADD_RULE`/`AUDIT_DEL_RULE` vs all).
- **Checking**: `docker-audit-rules --check -k KEY --rules-dir TMP` vs the grep method of
  docker-bench-security (CIS 1.6.0): one `auditctl -l | grep PATH` for each of the 16 items
  1.1.3–1.1.18, in one bash script (unit file paths looked up once beforehand and not timed;
  docker-bench skips the `auditctl` call for an item whose path does not exist — %(ex)s of the 16
  paths exist here — the script runs all 16) vs one bare `auditctl -l` (the floor: one kernel
  rule list, formatted). hyperfine `-N`, 1 warm-up run, exit codes ignored; and the three
  alternated in one loop (section 3b), the figures judged.
- **Targets sweep**: generated host trees (the `docker-ce-deb` fixture plus R runtimes in
  `daemon.json`, each naming a file in the tree, and D `docker.service` drop-ins, each with an
  `EnvironmentFile=` naming a file in the tree), timed with `--root DIR --print` and
  `--check --root DIR` (the fragment written into the tree beforehand). With `--root` the tool
  never reads the kernel, so both figures are discovery, rendering and, for `--check`, the
  file-side checks: the cost that grows with the number of targets. The kernel side of
  `--check` is section 3 (%(ntargets)s targets here).
- **Peak RSS**: maximum resident set size of each command (`/usr/bin/time -f %%M`), the median of
  %(rss_runs)d runs with their min–max: one run's figure moves by about 0.2 MiB with the pages the
  kernel maps around each page fault in the shared libraries. For scale, a program that does
  nothing, linked with the same libraries, peaks at %(rss_floor)s here. Most of the rest is code,
  not data: the kernel maps a binary's or a library's pages 64 KiB at a time around each fault
  (fault-around), so the tool's binary counts whole (about 0.43 MiB) and so do the parts of libc
  and libsystemd a run calls (systemd's unit search path, `sd_path_lookup_strv()`, about 0.25 MiB
  of libsystemd); the heap is about 0.3 MiB, and no file is held whole (dpkg's status is read a
  line at a time, the read record as a stream). %(sd)s""" % {
    "sd": ("systemd runs here, so the figures include asking it about the units over D-Bus."
           if meta.get("systemd_running") else
           "systemd is not running here (no /run/systemd/system): units are read from disk and sd-bus is"
           " not used; on a host where it runs, the tool also asks it about Docker's units over D-Bus."),
    "touch": ("With `--real-augenrules` every rule of the host is flushed by each run of the real"
              " recipe and the rules found are added back after each set's runs; otherwise no rule of"
              " another key is touched (the host parts, sections 6-9, start their own auditd, containerd"
              " and dockerd, and stop them)"
              if meta.get("real_augenrules") else
              "No rule of another key is touched (the host parts, sections 6-9, start their own auditd,"
              " containerd and dockerd, and stop them)"),
    "recipe": ("the REAL one (`--real-augenrules`): the set's file and the fragment are copied"
               " into /etc/audit/rules.d beside the host's own files, and `augenrules --load` compiles"
               " /etc/audit/audit.rules and loads it with `auditctl -R`, whose leading `-D` flushes every"
               " rule of the host; before the first run the kernel's rules, the audit status and"
               " /etc/audit/audit.rules (and .prev) are saved, and they are put back afterwards"
               if meta.get("real_augenrules") else
               "emulated safely (%s): write the fragment (`docker-audit-rules --print` output) into the"
               " rules directory, compile it with a copy of the installed `augenrules` pointed at the"
               " temporary rules directory and a temporary `audit.rules` (its own `ls -v`, `awk`, `cmp`,"
               " `cp`), and in place of its `auditctl -R` step delete every rule of the two bench keys with"
               " `auditctl -D -k KEY` (the same per-rule kernel deletions the compiled file's leading `-D`"
               " makes for these rules; real augenrules would also flush every other rule on the host and"
               " read the real `/etc/audit/rules.d`, which a shared machine must not do), then `auditctl -R`"
               " the compiled file" % (read("recipe-kind") or "?").strip()),
    "enabled": ("the audit enabled for them (it was found disabled, and set back afterwards)"
                if exists("enabled-for-records") else "the audit enabled as found"),
    "lost": (" The listener lost records %d times (its socket's buffer overflowed): the counts are then low." % CC_LOST
             if CC_LOST else "") + KLOST,
    "rc": meta.get("rulecost_runs", "N"),
    "which": ("every record for the real augenrules, which flushes every rule of the host; those of"
              " rules with a bench key for the tool" if meta.get("real_augenrules") else
              "those of rules with a bench key (another process changing its own rules meanwhile is not"
              " the run's doing)"),
    "ntargets": "/".join(sorted(set(str(r["check_targets"]) for r in R.values()))) or "?",
    "rss_runs": meta.get("rss_runs", 1), "rss_floor": "%s (libraries: %s)" % (
        fmt_kib(rss("rss-floor")), " ".join(x[3:] for x in (read("rss-floor-libs") or "").split()) or "?"),
    "u": meta["ukey"], "d": meta["dkey"], "ex": (read("grep-paths-existing.txt") or "?").strip()})
w("")

w("**augenrules measured: %s.**" % ("the REAL `augenrules --load` (--real-augenrules): every rule of the host"
                                   " was flushed at each run, and the rules saved before were added back afterwards"
                                   if meta.get("real_augenrules") else
                                   "the emulated recipe (safe on a shared machine; `--real-augenrules"
                                   " --i-may-flush-every-rule` measures the real one)"))
w("")
if R:
    dels = [r["cost_del"]["median"] for r in R.values() if r["cost_del"]]
    adds = [r["cost_add"]["median"] for r in R.values() if r["cost_add"]]
    r = R[smax]
    a = r["aug", "resync"][0] if r["aug", "resync"] else (r["gap_aug", "resync"] or {})
    if dels and adds and a:
        w("**Why no ratio target against augenrules.** The old target, install at least 1,000x faster than")
        w("the recipe at 1,000 unrelated rules, was a property of the machine, not of the tool: the recipe")
        w("deletes and adds every rule of the host, one kernel request each, so its time is the host's rules")
        w("times the kernel's cost per rule change, which is the machine's (0.17 ms a rule on one machine,")
        w("about 6 ms on another with the same kernel version). Here a deletion costs %s and an add %s" % (
            fmt_t(statistics.median(dels)), fmt_t(statistics.median(adds))))
        w("(medians over the sets): the recipe's re-sync with set `%s` removed %d rules and added %d in %s." % (
            smax, a.get("removed", 0), a.get("added", 0), fmt_t(med(r["aug_t", "resync"]))))
        w("What does not depend on the machine is judged instead: the tool leaves every host rule in place")
        w("(none absent at any sample, none added or removed) and changes only the rules that differ, one")
        w("CONFIG_CHANGE record each (2 for a re-sync, whatever the host's rules), where the recipe changes")
        w("them all and leaves a record for each. The times of both are published beside them.")
        w("")
w("## Targets")
w("")
w("| figure | measured | target | met? |")
w("|---|---|---|---|")
for f, m, t, ok in targets:
    w("| %s | %s | %s | %s |" % (f, m, t, yes(ok)))
w("")
missed = [f for f, m, t, ok in targets if ok is False]
if not targets:
    w("No target could be judged: the kernel parts did not run.")
elif missed:
    w("Missed: " + "; ".join(missed) + ".")
    # What the raw figures say of each miss: the machine's part, or the tool's.
    why = []
    floor = rss("rss-floor")
    if any(f.startswith("peak RSS of install") or f.startswith("peak RSS of --check") for f in missed) and floor:
        why.append("peak RSS: a program that does nothing, linked with the same libraries, peaks at %s here;"
                   " the rest is mostly code the kernel maps 64 KiB at a time around each fault: the tool's"
                   " binary whole (about 0.43 MiB), and the parts of libc and libsystemd a run calls (systemd's"
                   " unit search path, sd_path_lookup_strv(), alone maps about 0.25 MiB of libsystemd); the"
                   " heap is about 0.3 MiB and no file is held whole" % fmt_kib(floor))
    if smax is not None and any(f.startswith("--check with") for f in missed):
        r = R[smax]
        lk, lk0 = r.get("lookup"), R.get("none", {}).get("lookup")
        cc, ca = r.get("check_calls"), r.get("ctl_calls")
        text = ("--check with set `%s`: %s with the host's rules files in the rules directory, %s with the"
                " fragment only, one bare `auditctl -l` %s (hyperfine medians)"
                % (smax, fmt_t(med(r["check_t"])), fmt_t(med(r["checkf_t"])), fmt_t(med(r["ctl_t"]))))
        if lk and cc and ca:
            text += ("; --check makes %d system calls, %d of them looking up a path (Docker's files, the unit"
                     " directories, the rules files' %d lines and their parent directories), where `auditctl -l`"
                     " makes %d, %d of them on a path; with %d watches loaded one path lookup costs %s here%s"
                     " (section 0): the kernel compares every name looked up with the watches hung on one of"
                     " its 32 inode-hash buckets (kernel/auditsc.c audit_filter_inodes()), so %d lookups alone"
                     " are about %s. A check that reads the disk cannot make no lookup"
                     % (cc[0], cc[1], r["n"], ca[0], ca[1], r["n"], fmt_t(lk["median"]),
                        " (%s with no rules)" % fmt_t(lk0["median"]) if lk0 else "", cc[1],
                        fmt_t(cc[1] * lk["median"])))
        else:
            text += ": the rest of the time is the tool's own, reading the files and the kernel's %d rules" % r["n"]
        cf, ct, gt = med(r["checkf_t"]), med(r["ctl_t"]), med(r["grep_t"])
        if cf and ct and gt:
            text += (". With the fragment only in the rules directory, --check is %.2fx one bare `auditctl -l`"
                     " and the grep method %.1fx slower than it: the difference is the boot-time judgement, the"
                     " host's %d rules-file lines read and judged as augenrules would load them (a line that"
                     " fails at boot stops the rules after it), which neither `auditctl -l` nor the grep method"
                     " looks at" % (cf / ct, gt / cf, r["n"]))
        why.append(text)
    if any(f.startswith("--report on") for f in missed):
        text = ("--report: the times are the tool's reading of the same file that grep and ausearch read"
                " (section 9); nothing of this machine decides the ratios")
        ta, tg = med(pair_times("report-mixed.json", 1)), med(pair_times("report-mixed.json", 2))
        if REPM and ta and tg and ta / 10 < tg * 1.2:
            text += ("; on the mixed log ten times faster than `ausearch -i` (%s) is %s, about what `grep -c KEY`"
                     " alone takes to scan the file (%s): --report reads every byte as grep does, then parses and"
                     " judges Docker's events and the events on Docker's paths, so 10x ausearch cannot be reached"
                     " by any reader here; it is %s of grep's time" % (fmt_t(ta), fmt_t(ta / 10), fmt_t(tg),
                                                                       fmt_r(pair_ratios("report-mixed.json", 0, 2))))
        why.append(text)
    if any("quiet mode" in f for f in missed) and "tool-quiet" not in NZ:
        why.append("quiet mode: the binary measured has no `--binary-reads` option")
    elif any("quiet mode" in f for f in missed) and QUIET_EXEC and QUIET_EXEC[0] >= QUIET_EXEC[1]:
        why.append("quiet mode: every one of its %s events per docker run is an execution of one of Docker's"
                   " binaries (an EXECVE record: containerd starting the shim, the shim re-running itself and"
                   " running runc, runc re-running itself, runc's hook running dockerd), and the mode records"
                   " every execution by design; after an execve the kernel reports the new program as exe=,"
                   " so no rule field tells a binary re-running itself from another program running it."
                   " Fewer events would mean an execution not recorded: the floor on this machine's daemons"
                   " is their %s executions" % (QUIET_EXEC[1], QUIET_EXEC[0]))
    if why:
        w("")
        w("Why: " + "; ".join(why) + ".")
else:
    w("Every target met.")
w("")

if R:
    w("## 0. The host's rule sets and the kernel's cost of one rule change")
    w("")
    w("| set | rules | from | source rule lines | refused by this kernel | add one rule (median, spread) | delete one rule (median, spread) | one path lookup, lstat (median, spread) |")
    w("|---|---|---|---|---|---|---|---|")
    for s, r in R.items():
        info = SETINFO.get(s, {})
        ref = [l.split("\t") for l in (read("set-%s.refused" % s) or "").splitlines() if l.strip()]
        reasons = {}
        for f in ref:
            reasons[f[1].strip() if len(f) > 1 else "?"] = reasons.get(f[1].strip() if len(f) > 1 else "?", 0) + 1
        w("| `%s` | %d | %s | %s | %s | %s | %s | %s |" % (
            s, r["n"], info.get("desc", "?"), info.get("src", "?"),
            "; ".join("%d: %s" % (v, k) for k, v in reasons.items()) or "0",
            "%s (%s)" % fmt_sum(r["cost_add"]), "%s (%s)" % fmt_sum(r["cost_del"]),
            "%s (%s)" % fmt_sum(r["lookup"]) if r["lookup"] else "not measured"))
    w("")
    if exists("31-privileged.rules"):
        w("The privileged-commands rules generated here: %d (setuid and setcap programs of /bin, /sbin, /usr/bin, /usr/sbin)." %
          sum(1 for l in (read("31-privileged.rules") or "").splitlines() if l.startswith("-")))
        w("")
    refl = [(s, l) for s in R for l in (read("set-%s.refused" % s) or "").splitlines() if l.strip()]
    if refl:
        w("Refused lines: " + "; ".join("`%s`: `%s`" % (s, l.split("\t")[0]) for s, l in refl[:12]) + ".")
        w("")

    w("## Time against the host's rules (medians)")
    w("")
    w("| set | rules | install (tool) | install (recipe) | re-sync (tool) | re-sync (recipe) | idempotent re-run | --check | grep method | bare `auditctl -l` |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    for s, r in R.items():
        w("| `%s` | %d | %s | %s%s | %s | %s%s | %s | %s | %s | %s |" % (
            s, r["n"], fmt_t(med(r["tool_t", "install"])), fmt_t(med(r["aug_t", "install"])),
            " (the re-sync's run)" if r["aug_install_is_resync"] else " (sampled)" if r["aug_sampled", "install"] else "",
            fmt_t(med(r["tool_t", "resync"])),
            fmt_t(med(r["aug_t", "resync"])), " (sampled)" if r["aug_sampled", "resync"] else "",
            fmt_t(med(r["idem_t"])), fmt_t(med(r["check_t"])), fmt_t(med(r["grep_t"])), fmt_t(med(r["ctl_t"]))))
    w("")

    w("## 1. Install and re-sync")
    w("")
    w("| set | rules | run | method | wall median | spread (min – max, n) | kernel rules removed / added | CONFIG_CHANGE records a run | host rules before → after | exit status |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    for s, r in R.items():
        for sc in SCEN:
            for label, key in (("docker-audit-rules", "tool"), ("augenrules", "aug")):
                rows = r[key, sc]
                if not rows and key == "aug" and r["gap_aug", sc]:
                    g = r["gap_aug", sc]
                    rows = [{"t": g["wall"], "removed": g["removed"], "added": g["added"], "rec": g["rec"],
                             "ub": g["ub"], "ua": g["ua"], "rc": g["rc"]}]
                    label += " (the sampled run)"
                if not rows:
                    continue
                a, b = fmt_sum(summary([x["t"] for x in rows]))
                w("| `%s` | %d | %s | %s | %s | %s | %s / %s | %s | %s | %s |" % (
                    s, r["n"], sc, label, a, b,
                    "/".join(map(str, sorted(set(x["removed"] for x in rows)))),
                    "/".join(map(str, sorted(set(x["added"] for x in rows)))),
                    fmt_n([x["rec"] for x in rows]) if HAVE_CC else "not measured",
                    ", ".join(sorted(set("%d → %d" % (x["ub"], x["ua"]) for x in rows))),
                    "/".join(map(str, sorted(set(x["rc"] for x in rows))))))
    w("")
    iss = [s for s, r in R.items() if r["aug_install_is_resync"]]
    if iss:
        w("With set%s %s the recipe ran once, as a re-sync under the sampler: it flushes and loads every rule"
          " whether Docker's rules were loaded or not, so its install is the same run; each run costs minutes"
          " where a rule deletion costs milliseconds." % ("s" if len(iss) > 1 else "", ", ".join("`%s`" % s for s in iss)))
        w("")
    w("The fragment holds %s rule lines (the tool loads the same rules). The recipe's rules removed and"
      " added are those of the bench's two keys%s." % (
          ", ".join(sorted(set(str(r["fragment_rules"]) for r in R.values()))),
          "; the real one also flushes and reloads every other rule of the host" if meta.get("real_augenrules") else ""))
    w("")

    w("### Audit gap: host rules and Docker's paths absent during each run")
    w("")
    w("| set | run | method | wall | kernel rules removed / added | docker paths tracked | samples (during run) | sampler resolution around the run (median / max) | docker-path gap | host rules seen (min – max) | host-rules gap |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    for s, r in R.items():
        for sc in SCEN:
            for label, g in (("docker-audit-rules", r["gap_tool", sc]), ("augenrules", r["gap_aug", sc])):
                if not g:
                    continue
                dg = ("0" if g["d_bad"] == 0 else
                      "%s (%d samples missed a path%s)" % (fmt_t(g["dgap"]), g["d_bad"], ", NOT restored" if g["d_unrestored"] else ""))
                ug = ("0" if g["u_bad"] == 0 else
                      "%s (%d samples short%s)" % (fmt_t(g["ugap"]), g["u_bad"], ", NOT restored" if g["u_unrestored"] else ""))
                w("| `%s` | %s | %s | %s | %d / %d | %d%s | %d (%d)%s | %s / %s | %s | %d – %d of %d | %s |" % (
                    s, sc, label, fmt_t(g["wall"]), g["removed"], g["added"], g["n_paths"],
                    "" if g["first_full"] else " (NOT all present before the run)", g["samples"], g["during"],
                    " (%d listings dropped: ENOBUFS)" % g["dropped"] if g["dropped"] else "",
                    fmt_t(g["res_median"]), fmt_t(g["res_max"]), dg, g["umin"], g["umax"], g["n_exp"], ug))
    w("")
    w("A run shorter than one sampler interval can show no sample inside it; a gap shorter than the")
    w("interval can then go unseen: the resolution column bounds what a \"0\" means. Wall times here")
    w("are longer than in the table above: the sampler competes for the CPUs and for the kernel's rule")
    w("mutex. An install has no docker path to track (none is watched before it). The recipe deletes the")
    w("host's rules first (they come first in the kernel's list, as with a flush) and loads them first")
    w("again, so they are missing for almost the whole run, and the docker paths from the deletion of")
    w("the first docker rule to the end of the reload.")
    w("")

    w("## 2. Idempotent re-run")
    w("")
    w("| set | rules | wall median | spread (min – max) | added | removed | fragment rewritten | netlink messages sent (strace) | of which add / delete |")
    w("|---|---|---|---|---|---|---|---|---|")
    for s, r in R.items():
        a, b = fmt_sum(r["idem_t"])
        st = r["idem_strace"]
        w("| `%s` | %d | %s | %s | %d | %d | %s | %s | %s |" % (s, r["n"], a, b, r["idem_added"], r["idem_removed"],
                                                         {True: "yes", False: "no", None: "?"}[r["idem_fragment_written"]],
                                                         st["total"] if st else "not run",
                                                         "%d / %d" % (st["add"], st["del"]) if st else "not run"))
    w("")

    w("## 3. Checking")
    w("")
    w("| set | rules | `--check` median (spread) | grep method, 16 items | bare `auditctl -l` | grep / --check | --check / `auditctl -l` | --check verdict | `--check`, rules dir with the fragment only | that / `auditctl -l` |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    for s, r in R.items():
        w("| `%s` | %d | %s (%s) | %s (%s) | %s (%s) | %s | %s | %s, %d of %d targets in the kernel | %s (%s) | %s |" % (
            s, r["n"], *fmt_sum(r["check_t"]), *fmt_sum(r["grep_t"]), *fmt_sum(r["ctl_t"]),
            fmt_x(ratio(med(r["grep_t"]), med(r["check_t"]))), fmt_x(ratio(med(r["check_t"]), med(r["ctl_t"]))),
            r["check_status"], r["check_in_kernel"], r["check_watched"], *fmt_sum(r["checkf_t"]),
            fmt_x(ratio(med(r["checkf_t"]), med(r["ctl_t"])))))
    w("")
    w("The first `--check` column: its rules directory also holds the host's rules")
    w("(`10-unrelated-NN.rules`), which it reads and resolves path by path; the last two columns")
    w("show the same check when the directory holds the fragment only.")
    w("")
sw = []
for name in sorted(os.listdir(DATA)):
    m = re.match(r"sweep-(\d+)-(\d+)\.rules$", name)
    if m:
        sw.append((int(m.group(1)), int(m.group(2))))
if sw:
    w("## 4. Cost against the number of targets (generated host trees)")
    w("")
    w("With `--root` the tool reads no kernel rules: these are discovery, rendering and the file-side")
    w("checks only.")
    w("")
    w("| runtimes | drop-ins | rules in the fragment | `--print` median (spread) | `--print` peak RSS | `--check --root` median (spread) | `--check --root` peak RSS |")
    w("|---|---|---|---|---|---|---|")
    for rt, dr in sorted(sw):
        p = hyper("sweep-print-%d-%d.json" % (rt, dr))
        c = hyper("sweep-check-%d-%d.json" % (rt, dr))
        w("| %d | %d | %s | %s (%s) | %s | %s | %s |" % (
            rt, dr, (read("sweep-%d-%d.rules" % (rt, dr)) or "?").strip(), *fmt_sum(p[0] if p else None),
            fmt_kib(rss("rss-print-%d-%d" % (rt, dr))),
            "%s (%s)" % fmt_sum(c[0]) if c else "not run", fmt_kib(rss("rss-checkroot-%d-%d" % (rt, dr))) if c else "not run"))
    w("")

if R:
    w("## 5. Memory (peak RSS)")
    w("")
    w("| set | rules | install | idempotent re-run | --check | `auditctl -l` (for scale) |")
    w("|---|---|---|---|---|---|")
    for s, r in R.items():
        w("| `%s` | %d | %s | %s | %s | %s |" % (s, r["n"], fmt_kib(r["rss_install"]), fmt_kib(r["rss_idem"]),
                                              fmt_kib(r["rss_check"]), fmt_kib(r["rss_auditctl"])))
    w("")
    w("Kernel rules of every key at the start: %s (other keys are other users' and tests' rules);"
      " with each set loaded: %s." % ((read("other-rules-start.txt") or "?").strip(),
                                      ", ".join("`%s`: %s" % (s, r["all_rules"]) for s, r in R.items())))
    w("")

if R:
    w("### 3b. Paired: --check, one bare `auditctl -l` and the grep method, alternated")
    w("")
    w("Each round runs the three commands once each, one after the other (the order rotates every")
    w("round), so that the machine's drift hits them alike; the ratio is taken within each round, and")
    w("its median and range over the rounds are given. These are the figures judged.")
    w("")
    w("| set | rules | --check | bare `auditctl -l` | grep method | --check / `auditctl -l` | grep / --check |")
    w("|---|---|---|---|---|---|---|")
    for s, r in R.items():
        t = r["pair_t"]
        w("| `%s` | %d | %s | %s | %s | %s | %s |" % (s, r["n"], *("%s (%s)" % fmt_sum(x) for x in t),
                                                  fmt_r(r["pair_check_ctl"]), fmt_r(r["pair_grep_check"])))
    w("")
w("## 6. Audit events caused by the tool")
w("")
skipped = (read("auditd-skipped") or "").strip()
if skipped:
    w("Not measured: %s." % skipped)
elif EV["idem"] is None:
    w("Not measured (no kernel audit).")
else:
    w("A private auditd (its own configuration and log, `auditd -n -c DIR`) receives the kernel's")
    w("events; the tool's rules are loaded (default configuration, key `%s`), then %d idempotent runs" % (meta["dkey"], ev_runs))
    w("and %d `--check`s run on the unchanged host. Counted: events with a record whose `exe=` is the" % ev_runs)
    w("tool's binary, whatever their key (a watch of another key may fire first).")
    w("")
    w("| command | events with exe=the tool | per run | log lines | what they are (first record, keys) | paths named |")
    w("|---|---|---|---|---|---|")
    for what, label in (("idem", "idempotent run"), ("check", "--check")):
        e = EV[what]
        w("| %s | %d | %.1f | %d | %s | %s |" % (
            label, e["exe"], e["exe"] / ev_runs, e["exe_lines"],
            ", ".join("%s: %d" % kv for kv in sorted(e.get("exe_kinds", {}).items())) or "none",
            ", ".join("`%s`: %d" % kv for kv in sorted(e.get("exe_paths", {}).items())[:12]) or "none"))
w("")

w("## 7. Cost to the host (real containerd and dockerd)")
w("")
skipped = (read("docker-skipped") or read("auditd-skipped") or "").strip()
if skipped or not HC:
    w("Not measured: %s." % (skipped or "no kernel audit"))
else:
    w("""A private containerd and dockerd (`tests/lib-docker.sh`: their own root, state, data root `%s`,
exec root and API socket; docker %s), the private auditd above writing every event, and %d
rounds; in each round every configuration in turn (the order rotates): its rules are loaded (key
`%s`), then `docker run --rm --network none bb:1 /bin/true` %d times (median of the round), %d
open/pwrite/close of (a) the daemon's configuration file `%s` (watched by the tool in
every mode), (b) a file directly in the data root, (c) a file in /tmp (watched by
none), and %s. Configurations: `none`; `cis-literal`, the CIS Docker Benchmark's
text (`-w PATH -k KEY` for the 16 paths of items 1.1.3-1.1.18, those auditctl accepts; the
benchmark's paths, not this daemon's); `tool-MODE`, this tool with `--data-root-mode MODE`.
Ratios are to `none` within the same round (median, min – max over the rounds).""" % (
        (read("docker-data-root") or "?").strip(), (read("docker-version") or "?").strip(), meta["host_rounds"],
        meta["dkey"], meta["docker_runs"], meta["fileops"], (read("docker-config") or "?").strip(),
        "a %d MiB `dd` (bs=64K, page cache, no sync) into the data root" % meta["dd_mb"] if meta["dd_mb"] else "no dd (quick run)"))
    w("")
    w("| configuration | rules loaded | docker run (median of rounds) | / none | daemon config ops | / none | data-root file ops | / none | /tmp file ops | / none | dd | / none |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for cfg in meta["host_configs"]:
        rows = HC.get(cfg)
        if not rows:
            continue
        def col(field):
            v = summary([x[field] for x in rows.values() if x[field] is not None])
            return fmt_t(med(v)), fmt_r(host_ratio(cfg, field)) if cfg != "none" else "1"
        w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            cfg, "/".join(sorted(set(str(x["rules"]) for x in rows.values()))),
            *col("run"), *col("ow"), *col("od"), *col("ou"), *col("dd")))
    errs = (read("host-errors") or "").strip()
    if errs:
        w("")
        w("Errors: %s." % "; ".join(sorted(set(errs.splitlines()))))
    w("")
    other = [l for l in (read("host-other-rules.lines") or "").splitlines() if l.startswith("-")]
    keys = {}
    for l in other:
        f = l.split()
        k = f[-1] if len(f) > 1 and f[-2] == "-k" else (f[-1][4:] if f and f[-1].startswith("key=") else "(none)")
        keys[k] = keys.get(k, 0) + 1
    w("The host's own rules stay loaded in every configuration, `none` included (a shared machine's")
    w("rules are never touched): %d rules of other keys (%s). Where they watch the same paths as a" % (
        len(other), ", ".join("`%s`: %d" % kv for kv in sorted(keys.items())) or "none"))
    w("configuration (Docker's binaries, `/run/containerd`, `/etc/docker`), `none` already pays for")
    w("them, and the ratios show what a configuration adds on top.")
    if RUN_PAIRS:
        x = summary([b / a for a, b in RUN_PAIRS if a > 0])
        w("")
        w("The `docker run` target is measured apart from the rounds above, which compare medians taken minutes")
        w("apart: %d pairs of single `docker run --rm --network none bb:1 /bin/true`, one with no rules and one" % len(RUN_PAIRS))
        w("with the default configuration's (`tool-state`), loaded in turn before each run, the first of each pair")
        w("alternating. Per-pair ratio: %s; medians %s with no rules and %s with the tool's." % (
            fmt_r(x), fmt_t(statistics.median(a for a, _ in RUN_PAIRS)), fmt_t(statistics.median(b for _, b in RUN_PAIRS))))
w("")

w("## 8. Noise: audit events per Docker operation")
w("")
if not NZ:
    w("Not measured: %s." % (skipped or "no kernel audit"))
else:
    w("The same daemons and auditd; each configuration's rules loaded alone (key `%s`), then %d of" % (meta["dkey"], noise_runs))
    w("each operation: `docker run --rm --network none bb:1 /bin/true`, `docker import` of the busybox")
    w("tree, `docker rm` of a created container. Counted per operation: events with our key; events")
    w("with our key or with any key on a path our rules watch (the kernel names the first matching")
    w("rule's key only, and the host may watch the same paths under its own key: this is the count")
    w("our rules cause whichever rule the kernel names; the figure judged); and every event in the")
    w("window (any key or none).%s" % (
        " The tool's configurations load its rules first (`--order first`): an event then carries our"
        " key exactly when our rules take it, and that count is the figure judged for `tool-state` and"
        " `tool-quiet`; the host's own rules on the same paths (here the package's, key `docker`) still"
        " record what ours leave out, which the \"any key\" columns count." if ORDER_FIRST else ""))
    w("")
    w("| configuration | rules | run: our key | run: ours, any key | the same, one figure a run: median (min – max, n) | import: our key / ours, any key | rm: our key / ours, any key | run: all events | a run's events on our paths, by program |")
    w("|---|---|---|---|---|---|---|---|---|")
    for cfg, ops in NZ.items():
        def per(op, field):
            e = ops.get(op)
            return "%.1f" % (e[field] / noise_runs) if e else "n/a"
        byexe = ops.get("run", {}).get("watched_by_exe", {}) if ops.get("run") else {}
        pr = summary(noise_per_run(cfg, "watched"))
        w("| %s | %s | %s | %s | %s | %s / %s | %s / %s | %s | %s |" % (cfg, (read("noise-%s.rules" % cfg) or "?").strip(),
                                                 per("run", "key"), per("run", "watched"),
                                                 "%s (%s – %s, n=%d)" % (pr["median"], pr["min"], pr["max"], pr["n"]) if pr else "n/a",
                                                 per("import", "key"), per("import", "watched"),
                                                 per("rm", "key"), per("rm", "watched"), per("run", "events"),
                                                 ", ".join("%s: %.1f" % (os.path.basename(k), v / noise_runs)
                                                           for k, v in sorted(byexe.items(), key=lambda kv: -kv[1])) or "none"))
w("")

w("## 9. --report against ausearch and grep")
w("")
if not REPM:
    w("Not measured: %s." % ((read("report-skipped") or "?").strip()))
else:
    key = (read("report-key") or "?").strip()
    if REPORT_SRC == "recordings":
        w("Two logs made by `bench/gen-audit-log` from real recordings made here (with the private auditd and")
        w("daemons of sections 6-8): Docker's events of `docker run`, `docker import` and `docker rmi` under the tool's")
        w("default rules (key `%s`), and, apart, the events of another rule set and of the host's life: the" % key)
        w("STIG set loaded (its own keys), and a login session (login uid 1000) in which an administrator")
        w("upgrades a package as root (`dpkg` into a private root: STIG's delete and perm_mod rules record its")
        w("renames, unlinks, chmods and chowns, and an installer rule its execution), logs in as another user")
        w("with `su` (PAM's USER_* and CRED_* records), and a user reads what it may not, changes its files'")
        w("modes, renames and deletes them, tries to mount and runs privileged commands. The recorded events")
        w("are repeated, each copy with a fresh serial number and time.")
        w("")
        w("- mixed log: %s" % (read("report-log-mixed.txt") or "?").strip())
        w("- all-Docker log: %s" % (read("report-log-docker.txt") or "?").strip())
    else:
        w("No recordings (the host parts did not run): a log generated by `bench/gen-audit-log --size %s`"
          " from the `report` fixture (%s); key `%s`." % (meta.get("log_mb"), (read("report-log-fixture.txt") or "?").strip(), key))
    nrot = int((read("report-rotated-files") or "1").strip())
    w("- rotated: the mixed log cut as auditd rotates it (max_log_file 8 MiB: %d files, %s`audit.log`),"
      " given to `--report` as `--input` in that order" % (
          nrot, "`audit.log.%d` ... `audit.log.1`, " % (nrot - 1) if nrot > 2 else "`audit.log.1`, " if nrot == 2 else ""))
    w("")
    w("`docker-audit-rules --report --input LOG -k KEY`, `ausearch -if LOG -k KEY -i` and `grep -c KEY LOG`,")
    w("alternated (%d rounds; the order rotates every round); the ratios are taken within each round." % len(REPM["times"]))
    w("")
    w("| log | --report | ausearch -i | grep -c | ausearch / --report | --report / grep | --report, rotated files |")
    w("|---|---|---|---|---|---|---|")
    for name, lab, d in (("report-mixed.json", "mixed" if REPORT_SRC == "recordings" else "fixture", REPM),
                         ("report-docker.json", "all-Docker", REPD)):
        if not d:
            continue
        w("| %s | %s (%s) | %s (%s) | %s (%s) | %s | %s | %s |" % (
            lab, *fmt_sum(pair_times(name, 0)), *fmt_sum(pair_times(name, 1)), *fmt_sum(pair_times(name, 2)),
            fmt_r(pair_ratios(name, 1, 0)), fmt_r(pair_ratios(name, 0, 2)),
            "%s (%s)" % fmt_sum(pair_times(name, 3)) if len(d["commands"]) > 3 else "—"))
    w("")
    w("Peak RSS: --report %s on the mixed log, %s on the all-Docker log, %s on the rotated files;"
      " ausearch -i %s on the mixed log." % (fmt_kib(rss("rss-report")), fmt_kib(rss("rss-report-docker")),
                                            fmt_kib(rss("rss-report-rotated")), fmt_kib(rss("rss-ausearch"))))
    for name, lab in (("report-out-mixed.json", "mixed"), ("report-out-docker.json", "all-Docker")):
        t = read(name) or ""
        last = None
        for line in t.splitlines():
            if '"summary"' in line or '"type":"summary"' in line:
                last = line
        if last:
            w("")
            w("The %s log's summary (`--format json`, last line): `%s`" % (lab, last[:600]))
w("")

with open(OUTPUT + ".tmp", "w") as f:
    f.write("\n".join(o))
os.replace(OUTPUT + ".tmp", OUTPUT)
