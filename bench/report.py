#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn the raw measurements of bench/run (DATA directory) into the Markdown results file.

    report.py DATA OUTPUT
"""
import json
import os
import re
import statistics
import sys

DATA, OUTPUT = sys.argv[1], sys.argv[2]
meta = json.load(open(os.path.join(DATA, "meta.json")))
NS = meta["ns"] if meta["kernel_ok"] else []
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
    return "**yes**" if b else "**NO**"


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


# --- provisioning ------------------------------------------------------------------------------
def prov(method, n):
    rows = []
    for line in (read("prov-%s-%d.tsv" % (method, n)) or "").splitlines():
        rep, t0, t1, rc, ub, db, ua, da = line.split()
        r = {"rep": int(rep), "t": float(t1) - float(t0), "rc": int(rc),
             "ub": int(ub), "db": int(db), "ua": int(ua), "da": int(da)}
        if method.startswith("tool"):
            j = first_json(read("prov-%s-%d-%s.json" % (method, n, rep))) or {}
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


def gap(method, n):
    m = read("gap-%s-%d.meta" % (method, n))
    if not m:
        return None
    t0, t1, rc, n_exp, n_paths, ub, db = m.split()
    t0, t1 = float(t0), float(t1)
    samples = []
    for line in (read("gap-%s-%d.samples" % (method, n)) or "").splitlines():
        a, b, nu, nd, pres = line.split()
        samples.append({"snap": (int(a) + int(b)) / 2e9, "nu": int(nu), "nd": int(nd),
                        "full": "0" not in pres})
    if not samples:
        return None
    during = [i for i, s in enumerate(samples) if t0 <= s["snap"] <= t1]
    lo = max(0, (during[0] if during else next((i for i, s in enumerate(samples) if s["snap"] > t0), len(samples))) - 1)
    hi = min(len(samples) - 1, (during[-1] if during else lo) + 1)
    window = [samples[i]["snap"] for i in range(lo, hi + 1)]
    intervals = [b - a for a, b in zip(window, window[1:])]
    dgap, d_bad, d_unrestored = longest_interval(samples, lambda s: not s["full"])
    ugap, u_bad, u_unrestored = longest_interval(samples, lambda s: s["nu"] < int(n_exp))
    after = (read("gap-%s-%d.after" % (method, n)) or "0 0").split()
    out = first_json(read("gap-%s-%d.out" % (method, n))) if method == "tool" else None
    k = (out or {}).get("kernel", {})
    return {
        "wall": t1 - t0, "rc": int(rc), "n_paths": int(n_paths), "samples": len(samples),
        "during": len(during), "res_median": statistics.median(intervals) if intervals else None,
        "res_max": max(intervals) if intervals else None,
        "first_full": samples[0]["full"], "dgap": dgap, "d_bad": d_bad, "d_unrestored": d_unrestored,
        "ugap": ugap, "u_bad": u_bad, "u_unrestored": u_unrestored,
        "umin": min(s["nu"] for s in samples), "umax": max(s["nu"] for s in samples),
        "ub": int(ub), "db": int(db), "ua": int(after[0]), "da": int(after[1]),
        "added": len(k.get("added", [])) if out else int(after[0]) + int(after[1]),
        "removed": len(k.get("removed", [])) if out else int(ub) + int(db),
        "removed_lines": k.get("removed", []),
    }


def strace_counts(n):
    t = read("idem-%d.strace" % n)
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


# --- collect -----------------------------------------------------------------------------------
R = {}
for n in NS:
    r = R[n] = {}
    r["tool"], r["aug"] = prov("tool", n), prov("augenrules", n)
    r["tool_t"] = summary([x["t"] for x in r["tool"]])
    r["aug_t"] = summary([x["t"] for x in r["aug"]])
    r["gap_tool"], r["gap_aug"] = gap("tool", n), gap("augenrules", n)
    # with audit on and a private auditd (N=1000 only): the runs and the records each left
    r["tool_on"], r["aug_on"] = prov("tool-on", n), prov("augenrules-on", n)
    r["tool_on_t"] = summary([x["t"] for x in r["tool_on"]])
    r["aug_on_t"] = summary([x["t"] for x in r["aug_on"]])
    r["tool_on_rec"] = summary([int(x) for x in (read("prov-tool-on-%d.records" % n) or "").split()])
    r["aug_on_rec"] = summary([int(x) for x in (read("prov-augenrules-on-%d.records" % n) or "").split()])
    h = hyper("idem-%d.json" % n)
    r["idem_t"] = h[0] if h else None
    j = first_json(read("idem-%d.summary.json" % n)) or {}
    r["idem_added"] = len(j.get("kernel", {}).get("added", [None]))
    r["idem_removed"] = len(j.get("kernel", {}).get("removed", [None]))
    r["idem_fragment_written"] = j.get("fragment", {}).get("written")
    r["idem_strace"] = strace_counts(n)
    h = hyper("check-%d.json" % n)
    r["check_t"], r["grep_t"], r["ctl_t"], r["checkf_t"] = (h + [None] * 4)[:4]
    r["pair_check_ctl"] = pair_ratios("pair-%d.json" % n, 0, 1)
    r["pair_grep_check"] = pair_ratios("pair-%d.json" % n, 2, 0)
    r["pair_t"] = [pair_times("pair-%d.json" % n, i) for i in range(3)]
    c = first_json(read("check-%d.summary.json" % n)) or {}
    r["check_status"] = c.get("status")
    tg = c.get("targets", [])
    r["check_targets"] = len(tg)
    r["check_in_kernel"] = sum(1 for t in tg if t.get("in_kernel"))
    r["check_watched"] = sum(1 for t in tg if t.get("watched"))
    for what in ("install", "idem", "check", "auditctl"):
        r["rss_" + what] = rss("rss-%s-%d" % (what, n))
    r["fragment_rules"] = sum(1 for l in (read("fragment-%d.rules" % n) or "").splitlines() if l.startswith("-"))
    r["all_rules"] = (read("all-rules-%d.txt" % n) or "?").strip()

med = lambda s: s["median"] if s else None  # noqa: E731
targets = []  # (figure, measured, target, met)

n1k = 1000 if 1000 in R else (max(R) if R else None)
nmax = max(R) if R else None
if n1k is not None:
    r = R[n1k]
    x = ratio(med(r["aug_t"]), med(r["tool_t"]))
    targets.append(("provisioning at N=%d: augenrules recipe / tool (median wall time)" % n1k,
                    "%s (%s vs %s)" % (fmt_x(x), fmt_t(med(r["aug_t"])), fmt_t(med(r["tool_t"]))),
                    ">= 1000x (%s)" % ("the REAL augenrules --load" if meta.get("real_augenrules") else "emulated recipe"),
                    x is not None and x >= 1000))
if n1k is not None and R[n1k]["aug_on_t"] and R[n1k]["tool_on_t"]:
    r = R[n1k]
    x = ratio(med(r["aug_on_t"]), med(r["tool_on_t"]))
    targets.append(("provisioning at N=%d with audit on (a private auditd logs every rule change): "
                    "augenrules recipe / tool (median wall time)" % n1k,
                    "%s (%s vs %s)" % (fmt_x(x), fmt_t(med(r["aug_on_t"])), fmt_t(med(r["tool_on_t"]))),
                    ">= 1000x (%s)" % ("the REAL augenrules --load" if meta.get("real_augenrules") else "emulated recipe"),
                    x is not None and x >= 1000))
for n in R:
    g = R[n]["gap_tool"]
    if g:
        targets.append(("audit gap of the tool's re-provisioning at N=%d" % n,
                        "0 (no sample missed a path; %d samples during the run, resolution %s)"
                        % (g["during"], fmt_t(g["res_max"])) if g["d_bad"] == 0 else
                        "%s (%d samples missed a path)" % (fmt_t(g["dgap"]), g["d_bad"]),
                        "0", g["d_bad"] == 0 and g["first_full"]))
for n in R:
    rows, g = R[n]["tool"], R[n]["gap_tool"]
    touched = sum(abs(x["ua"] - x["ub"]) for x in rows)
    removed_foreign = sum(1 for x in rows for l in x.get("removed_lines", []) if meta["ukey"] in l)
    dips = (g["umax"] - g["umin"]) if g else 0
    ok = touched == 0 and removed_foreign == 0 and dips == 0 and (not g or g["umin"] == n)
    targets.append(("unrelated rules touched by the tool at N=%d" % n,
                    "%d (count before/after each provisioning; sampler during re-provisioning: %s..%s of %d)"
                    % (touched + removed_foreign, g["umin"] if g else "?", g["umax"] if g else "?", n),
                    "0, never dips", ok))
if nmax is not None:
    r = R[nmax]
    note = "" if nmax == 10000 else " (target is at N=10,000; quick run)"
    x = r["pair_grep_check"]
    targets.append(("--check at N=%d: grep method / --check (paired, per-round ratio)" % nmax, fmt_r(x),
                    ">= 15x" + note, x is not None and x["median"] >= 15))
    y = r["pair_check_ctl"]
    targets.append(("--check at N=%d: --check / one bare auditctl -l (paired, per-round ratio)" % nmax, fmt_r(y),
                    "<= 1.2x" + note, y is not None and y["median"] <= 1.2))
for n in R:
    for what, label in (("install", "install"), ("check", "--check")):
        k = R[n]["rss_" + what]
        targets.append(("peak RSS of %s at N=%d" % (label, n), fmt_kib(k), "< 4 MiB", k is not None and k < KIB_LIMIT))
for n in R:
    r = R[n]
    st = r["idem_strace"]
    ok = r["idem_added"] == 0 and r["idem_removed"] == 0 and (st is None or (st["add"] == 0 and st["del"] == 0))
    targets.append(("idempotent re-run at N=%d: add/delete requests" % n,
                    "summary: %d added, %d removed; strace: %s" % (
                        r["idem_added"], r["idem_removed"],
                        "%d add, %d delete of %d netlink messages" % (st["add"], st["del"], st["total"]) if st else "not run"),
                    "0", ok))

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
if "tool-state" in NZ and NZ["tool-state"].get("run") and noise_runs:
    e = NZ["tool-state"]["run"]
    k = e.get("watched", e["key"]) / noise_runs
    targets.append(("audit events per docker run, default configuration (our key, or any key on our paths)",
                    "%.1f (%.1f with our key)" % (k, e["key"] / noise_runs), "<= 20", k <= 20))

REP = first_json(read("report.json"))
if REP:
    x = pair_ratios("report.json", 1, 0)
    targets.append(("--report on a %s MiB log: ausearch -i / --report (paired, per-round ratio)" % meta.get("log_mb"),
                    fmt_r(x), ">= 2x", x is not None and x["median"] >= 2))
    k = rss("rss-report")
    targets.append(("peak RSS of --report on that log", fmt_kib(k), "< 8 MiB", k is not None and k < 8 * 1024))

# --- write -------------------------------------------------------------------------------------
o = []
w = o.append
w("# docker-audit-rules: benchmark results")
w("")
w("Written by `bench/run%s` — do not edit by hand; run the script again instead." % (" --quick" if meta["quick"] else ""))
w("")
w("| | |")
w("|---|---|")
for k, v in (("date", meta["date"]), ("variant", "quick (N in 0, 1,000; 2 repetitions)" if meta["quick"] else "full"),
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
             ("bench run time", "%.0f s (%.1f min), cleanup of the unrelated rules not included"
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

w("## How each figure was measured")
w("")
w("""- **Unrelated rules.** N watch rules (`-w TMP/unrelated/uNNNNN -p wa -k %(u)s`) on temporary
  paths, loaded once with `auditctl -R` and grown in place (0, then 1,000, then 10,000), because
  deleting is slow. The same lines are in a `10-unrelated.rules` file in both temporary rules
  directories, as a real host's `rules.d` would hold them. The tool's rules carry the key
  `%(d)s` (`-k`). %(touch)s (the host parts, sections 6-8, start their own
  auditd, containerd and dockerd, and stop them).
- **Provisioning** (same start for every repetition: no docker rules loaded, no fragment):
  (a) the tool: `docker-audit-rules --rules-dir TMP -k KEY -q --format json` (the JSON summary
  gives `kernel.added`/`kernel.removed`); (b) the `augenrules --load` recipe, %(recipe)s. Wall time by the script's clock around the one
  command; kernel rules removed/re-added: for the tool from its JSON summary, for the recipe the
  count of bench-key rules before (all deleted) and after (all loaded again). Unrelated rules are
  counted with `auditctl -l` before and after each repetition.
- **Audit gap.** A second process (`bench/sampler.c`, compiled by the script against libaudit)
  sends `audit_request_rules_list_data` in a tight loop and reads every reply; the kernel takes
  each list under `audit_filter_mutex` while handling the request, so every sample is a
  consistent snapshot, time-stamped between just before and just after the request. It records,
  per sample, which of the docker paths watched before the run are present and how many
  unrelated rules there are. Scenario: re-provisioning after a change, starting with the docker
  rules loaded: for the tool one wanted rule is deleted and one stale rule with the docker key is
  added (so it has one add and one delete to do); for the recipe the stale rule is added and the
  recipe is run (flush + reload). The gap is the longest time between a sample that misses any
  previously watched docker path and the next sample that has all of them; the resolution is the
  interval between consecutive samples around the run (one listing of all rules, so it grows
  with N). The unrelated-rules gap is measured the same way.
- **Idempotent re-run**: the tool again with nothing to do, timed with hyperfine; added/removed
  from its JSON summary, and the netlink messages it sends counted with `strace -f -e
  trace=sendto` (`AUDIT_ADD_RULE`/`AUDIT_DEL_RULE` vs all).
- **Checking**: `docker-audit-rules --check -k KEY --rules-dir TMP` vs the grep method of
  docker-bench-security (CIS 1.6.0): one `auditctl -l | grep PATH` for each of the 16 items
  1.1.3–1.1.18, in one bash script (unit file paths looked up once beforehand and not timed;
  docker-bench skips the `auditctl` call for an item whose path does not exist — %(ex)s of the 16
  paths exist here — the script runs all 16) vs one bare `auditctl -l` (the floor: one kernel
  rule list, formatted). hyperfine `-N`, 1 warm-up run, exit codes ignored (`--check` says
  WARNING here: audit disabled, auditd not running).
- **Targets sweep**: generated host trees (the `docker-ce-deb` fixture plus R runtimes in
  `daemon.json`, each naming a file in the tree, and D `docker.service` drop-ins, each with an
  `EnvironmentFile=` naming a file in the tree), timed with `--root DIR --print` and
  `--check --root DIR` (the fragment written into the tree beforehand). With `--root` the tool
  never reads the kernel, so both figures are discovery, rendering and, for `--check`, the
  file-side checks: the cost that grows with the number of targets. The kernel side of
  `--check` is the section above (%(ntargets)s targets here against N rules).
- **Peak RSS**: maximum resident set size of each command (`/usr/bin/time -f %%M`), the median of
  %(rss_runs)d runs with their min–max: one run's figure moves by about 0.2 MiB with the pages the
  kernel maps around each page fault in the shared libraries. For scale, a program that does
  nothing, linked with the same libraries, peaks at %(rss_floor)s here. %(sd)s""" % {
    "sd": ("systemd runs here, so the figures include asking it about the units over D-Bus."
           if meta.get("systemd_running") else
           "systemd is not running here (no /run/systemd/system): units are read from disk and sd-bus is"
           " not used; on a host where it runs, the tool also asks it about Docker's units over D-Bus."),
    "touch": ("With `--real-augenrules` every rule of the host is flushed by each repetition of the real"
              " recipe and added back afterwards; otherwise no rule of another key is touched"
              if meta.get("real_augenrules") else "No rule of another key is touched"),
    "recipe": ("the REAL one (`--real-augenrules`): the unrelated rules' file and the fragment are copied"
               " into /etc/audit/rules.d beside the host's own files, and `augenrules --load` compiles"
               " /etc/audit/audit.rules and loads it with `auditctl -R`, whose leading `-D` flushes every"
               " rule of the host; before the first repetition the kernel's rules, the audit status and"
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
    "ntargets": "/".join(sorted(set(str(r["check_targets"]) for r in R.values()))) or "?",
    "rss_runs": meta.get("rss_runs", 1), "rss_floor": "%s (libraries: %s)" % (
        fmt_kib(rss("rss-floor")), " ".join(x[3:] for x in (read("rss-floor-libs") or "").split()) or "?"),
    "rk": (read("recipe-kind") or "?").strip(), "u": meta["ukey"], "d": meta["dkey"], "ex": (read("grep-paths-existing.txt") or "?").strip()})
w("")

w("**augenrules measured: %s.**" % ("the REAL `augenrules --load` (--real-augenrules): every rule of the host"
                                   " was flushed at each repetition, and the rules saved before were added back afterwards"
                                   if meta.get("real_augenrules") else
                                   "the emulated recipe below (safe on a shared machine; `--real-augenrules"
                                   " --i-may-flush-every-rule` measures the real one)"))
if nmax is not None and R[nmax]["aug"] and R[nmax]["aug_t"]:
    a = R[nmax]["aug"][0]
    moved = a["removed"] + a["added"]
    per_rule = med(R[nmax]["aug_t"]) / moved if moved else None
    k = R[n1k] if n1k is not None else None
    k_moved = (k["aug"][0]["removed"] + k["aug"][0]["added"]) if k and k["aug"] else 0
    if per_rule:
        w("")
        w("Why the recipe / tool ratio depends on the machine: the recipe's time is the kernel's cost for one"
          " rule times the rules it flushes and loads again (about 2 x N), while the tool's is one process"
          " start, discovery and only the rules that changed. Here the recipe at N=%d removed %d and added %d"
          " rules of the bench's keys in %s: %.3f ms a rule." % (nmax, a["removed"], a["added"],
                                                             fmt_t(med(R[nmax]["aug_t"])), 1000 * per_rule))
        if k and k_moved and k["tool_t"]:
            w("At N=%d the recipe changes %d rules and the tool takes %s, so 1000x would need a kernel that"
              " spends about %.1f ms on each rule change (%.0f times this one's)." % (
                  n1k, k_moved, fmt_t(med(k["tool_t"])), 1000 * 1000 * med(k["tool_t"]) / k_moved,
                  med(k["tool_t"]) * 1000 / k_moved / per_rule))
w("")
w("## Targets")
w("")
w("| figure | measured | target | met? |")
w("|---|---|---|---|")
for f, m, t, ok in targets:
    w("| %s | %s | %s | %s |" % (f, m, t, yes(ok)))
w("")
missed = [f for f, m, t, ok in targets if not ok]
if not targets:
    w("No target could be judged: the kernel parts did not run.")
elif missed:
    w("Missed: " + "; ".join(missed) + ".")
else:
    w("Every target met.")
w("")

if R:
    w("## Time against N (medians)")
    w("")
    w("| N unrelated rules | install (tool) | augenrules recipe | recipe / tool | idempotent re-run | --check | grep method | bare `auditctl -l` | grep / --check | --check / `auditctl -l` |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    for n, r in R.items():
        w("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            n, fmt_t(med(r["tool_t"])), fmt_t(med(r["aug_t"])), fmt_x(ratio(med(r["aug_t"]), med(r["tool_t"]))),
            fmt_t(med(r["idem_t"])), fmt_t(med(r["check_t"])), fmt_t(med(r["grep_t"])), fmt_t(med(r["ctl_t"])),
            fmt_x(ratio(med(r["grep_t"]), med(r["check_t"]))), fmt_x(ratio(med(r["check_t"]), med(r["ctl_t"])))))
    w("")

    w("## 1. Provisioning")
    w("")
    w("| N | method | wall median | spread (min – max) | kernel rules removed | kernel rules added | unrelated rules before → after | exit status |")
    w("|---|---|---|---|---|---|---|---|")
    for n, r in R.items():
        for label, rows, s in (("docker-audit-rules", r["tool"], r["tool_t"]), ("augenrules recipe", r["aug"], r["aug_t"])):
            if not rows:
                continue
            a, b = fmt_sum(s)
            rem = sorted(set(x["removed"] for x in rows))
            add = sorted(set(x["added"] for x in rows))
            ub = sorted(set("%d → %d" % (x["ub"], x["ua"]) for x in rows))
            rcs = sorted(set(x["rc"] for x in rows))
            w("| %d | %s | %s | %s | %s | %s | %s | %s |" % (n, label, a, b, "/".join(map(str, rem)),
                                                         "/".join(map(str, add)), ", ".join(ub), "/".join(map(str, rcs))))
    w("")
    w("The fragment holds %s rule lines (the tool loads the same rules)." % ", ".join(
        sorted(set(str(r["fragment_rules"]) for r in R.values()))))
    w("")
    on = [(n, r) for n, r in R.items() if r["tool_on_t"] or r["aug_on_t"]]
    if on:
        w("### With audit on, as on a host that audits")
        w("")
        w("The same provisioning with the audit enabled and a private auditd writing every record, as on a host")
        w("where the rules are in use: each rule the kernel adds or removes is a CONFIG_CHANGE record in the")
        w("trail. Records are counted in auditd's log around each run (settled before and after).")
        w("")
        w("| N | method | wall median | spread (min – max) | CONFIG_CHANGE records a run (median, min – max) |")
        w("|---|---|---|---|---|")
        for n, r in on:
            for label, s, rec in (("docker-audit-rules", r["tool_on_t"], r["tool_on_rec"]),
                                  ("augenrules recipe", r["aug_on_t"], r["aug_on_rec"])):
                if not s:
                    continue
                a, b = fmt_sum(s)
                w("| %d | %s | %s | %s | %s |" % (n, label, a, b, "%d (%d – %d)" % (rec["median"], rec["min"], rec["max"])
                                                  if rec else "n/a"))
        w("")

    w("### Audit gap during re-provisioning")
    w("")
    w("| N | method | wall | kernel rules removed / added | docker paths tracked | samples (during run) | sampler resolution around the run (median / max interval) | docker-path gap | unrelated rules seen (min – max) | unrelated-rules gap |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    for n, r in R.items():
        for label, g in (("docker-audit-rules", r["gap_tool"]), ("augenrules recipe", r["gap_aug"])):
            if not g:
                continue
            dg = ("0 (no sample missed a path)" if g["d_bad"] == 0 else
                  "%s (%d samples missed a path%s)" % (fmt_t(g["dgap"]), g["d_bad"], ", NOT restored" if g["d_unrestored"] else ""))
            ug = ("0" if g["u_bad"] == 0 else
                  "%s (%d samples short%s)" % (fmt_t(g["ugap"]), g["u_bad"], ", NOT restored" if g["u_unrestored"] else ""))
            w("| %d | %s | %s | %d / %d | %d%s | %d (%d) | %s / %s | %s | %d – %d of %d | %s |" % (
                n, label, fmt_t(g["wall"]), g["removed"], g["added"], g["n_paths"],
                "" if g["first_full"] else " (NOT all present before the run)", g["samples"], g["during"],
                fmt_t(g["res_median"]), fmt_t(g["res_max"]), dg, g["umin"], g["umax"], n, ug))
    w("")
    w("A run shorter than one sampler interval can show no sample inside it; a gap shorter than the")
    w("interval can then go unseen: the resolution column bounds what a \"0\" means. Wall times here")
    w("are longer than in the provisioning table: the sampler competes for the CPUs and for the")
    w("kernel's rule mutex. The recipe deletes the unrelated rules first (they come first in the")
    w("kernel's list, as with a flush) and loads them first again, so the docker paths are missing")
    w("from the deletion of the first docker rule to the end of the reload, while the unrelated")
    w("rules are missing for almost the whole run.")
    w("")

    w("## 2. Idempotent re-run")
    w("")
    w("| N | wall median | spread (min – max) | added | removed | fragment rewritten | netlink messages sent (strace) | of which add / delete |")
    w("|---|---|---|---|---|---|---|---|")
    for n, r in R.items():
        a, b = fmt_sum(r["idem_t"])
        st = r["idem_strace"]
        w("| %d | %s | %s | %d | %d | %s | %s | %s |" % (n, a, b, r["idem_added"], r["idem_removed"],
                                                   {True: "yes", False: "no", None: "?"}[r["idem_fragment_written"]],
                                                   st["total"] if st else "not run",
                                                   "%d / %d" % (st["add"], st["del"]) if st else "not run"))
    w("")

    w("## 3. Checking")
    w("")
    w("| N | `--check` median (spread) | grep method, 16 items | bare `auditctl -l` | grep / --check | --check / `auditctl -l` | --check verdict | `--check`, rules dir with the fragment only | that / `auditctl -l` |")
    w("|---|---|---|---|---|---|---|---|---|")
    for n, r in R.items():
        w("| %d | %s (%s) | %s (%s) | %s (%s) | %s | %s | %s, %d of %d targets in the kernel | %s (%s) | %s |" % (
            n, *fmt_sum(r["check_t"]), *fmt_sum(r["grep_t"]), *fmt_sum(r["ctl_t"]),
            fmt_x(ratio(med(r["grep_t"]), med(r["check_t"]))), fmt_x(ratio(med(r["check_t"]), med(r["ctl_t"]))),
            r["check_status"], r["check_in_kernel"], r["check_watched"], *fmt_sum(r["checkf_t"]),
            fmt_x(ratio(med(r["checkf_t"]), med(r["ctl_t"])))))
    w("")
    w("The first `--check` column is the figure judged: its rules directory also holds the N unrelated")
    w("rules (`10-unrelated.rules`), which it reads and resolves path by path; the last two columns")
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
    w("| N | install | idempotent re-run | --check | `auditctl -l` (for scale) |")
    w("|---|---|---|---|---|")
    for n, r in R.items():
        w("| %d | %s | %s | %s | %s |" % (n, fmt_kib(r["rss_install"]), fmt_kib(r["rss_idem"]),
                                         fmt_kib(r["rss_check"]), fmt_kib(r["rss_auditctl"])))
    w("")
    w("Kernel rules of every key at the start: %s (other keys are other users' and tests' rules);"
      " at the end of each N: %s." % ((read("other-rules-start.txt") or "?").strip(),
                                      ", ".join("N=%d: %s" % (n, r["all_rules"]) for n, r in R.items())))
    w("")

if R:
    w("### Paired: --check, one bare `auditctl -l` and the grep method, alternated")
    w("")
    w("Each round runs the three commands once each, one after the other (the order rotates every")
    w("round), so that the machine's drift hits them alike; the ratio is taken within each round, and")
    w("its median and range over the rounds are given. These are the figures judged.")
    w("")
    w("| N | --check | bare `auditctl -l` | grep method | --check / `auditctl -l` | grep / --check |")
    w("|---|---|---|---|---|---|")
    for n, r in R.items():
        t = r["pair_t"]
        w("| %d | %s | %s | %s | %s | %s |" % (n, *("%s (%s)" % fmt_sum(x) for x in t),
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
    w("window (any key or none).")
    w("")
    w("| configuration | rules | run: our key | run: ours, any key | import: our key / ours, any key | rm: our key / ours, any key | run: all events | a run's events on our paths, by program |")
    w("|---|---|---|---|---|---|---|---|")
    for cfg, ops in NZ.items():
        def per(op, field):
            e = ops.get(op)
            return "%.1f" % (e[field] / noise_runs) if e else "n/a"
        byexe = ops.get("run", {}).get("watched_by_exe", {}) if ops.get("run") else {}
        w("| %s | %s | %s | %s | %s / %s | %s / %s | %s | %s |" % (cfg, (read("noise-%s.rules" % cfg) or "?").strip(),
                                                 per("run", "key"), per("run", "watched"), per("import", "key"), per("import", "watched"),
                                                 per("rm", "key"), per("rm", "watched"), per("run", "events"),
                                                 ", ".join("%s: %.1f" % (os.path.basename(k), v / noise_runs)
                                                           for k, v in sorted(byexe.items(), key=lambda kv: -kv[1])) or "none"))
w("")

w("## 9. --report against ausearch")
w("")
if not REP:
    w("Not measured: %s." % ((read("report-skipped") or "?").strip()))
else:
    w("A log generated by `bench/gen-audit-log --size %s` (%s) from the `report` fixture; key `%s`." % (
        meta.get("log_mb"), (read("report-log.txt") or "?").strip(), (read("report-key") or "?").strip()))
    w("`docker-audit-rules --report --input LOG -k KEY` and `ausearch -if LOG -k KEY -i`, alternated")
    w("(%d rounds)." % len(REP["times"]))
    w("")
    w("| | --report | ausearch -i | ausearch / --report |")
    w("|---|---|---|---|")
    w("| wall time | %s (%s) | %s (%s) | %s |" % (*fmt_sum(pair_times("report.json", 0)), *fmt_sum(pair_times("report.json", 1)),
                                             fmt_r(pair_ratios("report.json", 1, 0))))
    w("| peak RSS | %s | %s | |" % (fmt_kib(rss("rss-report")), fmt_kib(rss("rss-ausearch"))))
w("")

with open(OUTPUT + ".tmp", "w") as f:
    f.write("\n".join(o))
os.replace(OUTPUT + ".tmp", OUTPUT)
