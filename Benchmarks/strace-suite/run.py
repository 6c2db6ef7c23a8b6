#!/usr/bin/env python3
"""Runs strace's own tests under `stackcross trace` and scores the lines (see ../strace-suite.sh).

argv: TREE BIN RESULT_JSON FAMILY SHOW [TEST...]
A test counts when its gen_tests.in line is a plain run_strace_match_diff (options only) and every
option is one stackcross accepts. A line matches when it is equal after normalisation (pid
prefixes, the ` = ` alignment of -a, fd path suffixes stackcross adds); lines are paired in order
(longest matching subsequence), so an extra or missing line costs only itself."""
import difflib, json, os, re, shlex, shutil, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

TREE, BIN, RESULT, FAMILY, SHOW = sys.argv[1:6]
ONLY = sys.argv[6:]
TESTS = os.path.join(TREE, "tests")
TIMEOUT = 30

# strace's syscall classes (syscallent.h) -> benchmark families, first match wins.
CLASSES = [("TN", "net"), ("TI", "ipc"), ("TS", "signal"), ("TM", "memory"), ("TC", "creds"),
           ("TCL", "time"), ("TP", "process"), ("TF", "file"), ("TD", "io")]


def syscall_families():
    fams = {}
    for line in open(os.path.join(TREE, "src/linux/x86_64/syscallent.h")):
        m = re.search(r'\{\s*\d+,\s*([^,]*),.*"([^"]+)"\s*\}', line)
        if not m:
            continue
        flags = set(f.strip() for f in m.group(1).split("|"))
        fams[m.group(2)] = next((fam for cls, fam in CLASSES if cls in flags), "other")
    return fams


# Test names strace's classes leave unclassed (flags 0) or misfile: sockets and time by name.
NAME_FAMILIES = [(r"^(net-|sock|so_|msg_|ip_|ipv6_|group_req|nlattr|netlink|inet|unix-pair|accept|bind|connect|"
                  r"listen|getsock|setsock|send|recv|getpeername|shutdown|ip_mreq|mmsg|sockaddr)", "net"),
                 (r"^(clock|timer|xet.*time|.*sleep|.*itimer|adjtimex|alarm|utime|stime|times|time$|futimesat)", "time")]


def family_of(name, fams):
    for pattern, fam in NAME_FAMILIES:
        if re.match(pattern, name):
            return fam
    base = name.split("-")[0]
    while base:
        if base in fams:
            return fams[base]
        if base.lstrip("_") in fams:
            return fams[base.lstrip("_")]
        if "_" not in base.strip("_"):
            break
        base = base.rsplit("_", 1)[0]
    return "other"


def parse_options(name, args):
    """stackcross argv for a gen_tests.in option string, or None when an option is unsupported."""
    try:
        words = shlex.split(args)
    except ValueError:
        return None
    out, trace, i = [], None, 0
    while i < len(words):
        w = words[i]
        if w.startswith("QUIRK:START-OF-TEST-OUTPUT"):
            return None  # a prefix of the log is ignored by strace's harness; rare, not modelled
        if re.fullmatch(r"-a\d+", w):
            pass  # alignment column: normalised away
        elif w == "-a" and i + 1 < len(words):
            i += 1
        elif re.fullmatch(r"-s\d+", w):
            out += ["-s", w[2:]]
        elif w == "-s" and i + 1 < len(words):
            out += ["-s", words[i + 1]]; i += 1
        elif w in ("-f", "-q"):
            out.append(w)
        elif w.startswith("--trace="):
            trace = w[len("--trace="):]
        elif w.startswith("-etrace="):
            trace = w[len("-etrace="):]
        elif w == "-e" and i + 1 < len(words) and words[i + 1].startswith("trace="):
            trace = words[i + 1][len("trace="):]; i += 1
        else:
            return None
        i += 1
    return out + ["-e", "trace=" + (trace if trace is not None else name)]


FD_PATH = re.compile(r'(?<![\w"\\])(-?\d+)<(?:[^<>"]|\\.)*>')
PID_PREFIX = re.compile(r"^(?:\[pid\s+\d+\]|\d+)\s+")


def normalise(line, strip_fd_paths):
    line = PID_PREFIX.sub("", line.rstrip("\n"))
    if strip_fd_paths:
        line = FD_PATH.sub(r"\1", line)
    return re.sub(r"\)\s+= ", ") = ", line)


def load_tests():
    tests = []
    for raw in open(os.path.join(TESTS, "gen_tests.in")):
        raw = raw.rstrip("\n")
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = raw.split(None, 1)
        name, args = parts[0], (parts[1] if len(parts) > 1 else "")
        if args.startswith("+") or re.match(r"-e\s*(inject|fault)=|--(inject|fault)=", args):
            continue  # custom scripts and tampering tests are not match_diff runs
        tests.append((name, args))
    return tests


def run_test(name, args):
    opts = parse_options(name, args)
    prog = os.path.join(TESTS, name)
    if opts is None:
        return {"status": "unsupported-options", "options": args}
    if not os.access(prog, os.X_OK):
        return {"status": "not-built", "options": args}
    work = os.path.join(TESTS, name + ".sc.dir")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    env = dict(os.environ, STRACE_EXE=BIN)
    argv = [BIN, "trace"] + opts + ["--", "../" + name]
    try:
        p = subprocess.run(argv, cwd=work, env=env, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "options": args}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if p.returncode == 64:
        return {"status": "unsupported-options", "options": args,
                "error": p.stderr.decode("utf-8", "replace")[-300:]}
    if p.returncode == 77:
        return {"status": "skipped", "options": args}
    exp = [normalise(l, False) for l in p.stdout.decode("utf-8", "replace").splitlines()]
    got = [normalise(l, True) for l in p.stderr.decode("utf-8", "replace").splitlines()]
    sm = difflib.SequenceMatcher(None, exp, got, autojunk=False)
    matched = sum(b.size for b in sm.get_matching_blocks())
    res = {"status": "ran", "options": args, "exit": p.returncode, "expected": len(exp),
           "matched": matched, "extra": len(got) - matched}
    if SHOW:
        res["diff"] = list(difflib.unified_diff(exp, got, "expected", "stackcross", lineterm="", n=0))
    return res


def main():
    fams = syscall_families()
    tests = [(n, a) for n, a in load_tests()
             if (not ONLY or n in ONLY) and (not FAMILY or family_of(n, fams) == FAMILY)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip([n for n, _ in tests], pool.map(lambda t: run_test(*t), tests)))
    for n, r in results.items():
        r["family"] = family_of(n, fams)
    old = {}
    if os.path.exists(RESULT) and (ONLY or FAMILY):
        old = json.load(open(RESULT)).get("tests", {})
    old.update(results)
    ran = {n: r for n, r in results.items() if r["status"] == "ran" and r["expected"] > 0}
    report(ran, results)
    with open(RESULT + ".tmp", "w") as f:
        json.dump({"tests": old, "summary": summary(
            {n: r for n, r in old.items() if r["status"] == "ran" and r["expected"] > 0})}, f, indent=1)
    os.replace(RESULT + ".tmp", RESULT)
    print(f"results: {RESULT}")


def summary(ran):
    fams = {}
    for r in ran.values():
        fams.setdefault(r["family"], []).append(r)
    def agg(rs):
        e = sum(r["expected"] for r in rs); m = sum(r["matched"] for r in rs)
        return {"tests": len(rs), "lines": e, "matched": m,
                "line_rate": round(100 * m / e, 1) if e else 0,
                "mean_test_rate": round(100 * sum(r["matched"] / r["expected"] for r in rs) / len(rs), 1) if rs else 0}
    return {"families": {f: agg(rs) for f, rs in sorted(fams.items())}, "total": agg(list(ran.values()))}


def report(ran, results):
    for n in sorted(ran):
        r = ran[n]
        print(f"{n:40} {r['family']:8} {r['matched']:5}/{r['expected']:<5} {100 * r['matched'] / r['expected']:5.1f}%")
        for d in r.get("diff", []):
            print("    " + d)
    others = {}
    for r in results.values():
        if r["status"] != "ran":
            others[r["status"]] = others.get(r["status"], 0) + 1
    s = summary(ran)
    print(f"\n{'family':10} {'tests':>5} {'lines':>7} {'matched':>7} {'line%':>6} {'mean%':>6}")
    for f, a in list(s["families"].items()) + [("TOTAL", s["total"])]:
        print(f"{f:10} {a['tests']:5} {a['lines']:7} {a['matched']:7} {a['line_rate']:6.1f} {a['mean_test_rate']:6.1f}")
    print("not run: " + ", ".join(f"{k} {v}" for k, v in sorted(others.items())))


main()
