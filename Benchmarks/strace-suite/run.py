#!/usr/bin/env python3
"""Runs strace's own tests under `stackcross trace` and scores the lines (see ../strace-suite.sh).

argv: TREE BIN RESULT_JSON FAMILY SHOW [TEST...]
A test counts when its gen_tests.in line is a plain run_strace_match_diff (options, shell
redirections, QUIRK:START-OF-TEST-OUTPUT and QUIRK:PROG-ARGS) and stackcross accepts every option
(strace's spellings are translated: --trace=X, -eX, -Xraw, -s3, --trace-path=X …). A line matches when it is equal after normalisation (pid
prefixes, the ` = ` alignment of -a; a test without -y runs with --decode-fds none); lines are paired in order
(longest matching subsequence), so an extra or missing line costs only itself."""
import difflib, json, os, re, shlex, shutil, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

TREE, BIN, RESULT, FAMILY, SHOW = sys.argv[1:6]
ONLY = sys.argv[6:]
TESTS = os.path.join(TREE, "tests")
TIMEOUT = 120  # read-write writes 340k lines: ~28 s on a loaded 2-core machine

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


# strace spellings -> the stackcross form of the same option (its CLI takes `-e Q=V`, `-X V`, `-s N`).
LONG_QUALIFIERS = ("trace", "signal", "status", "quiet", "trace-fds", "read", "write")
BARE_DEFAULTS = {"--decode-fds": "path", "--strings-in-hex": "all"}
REDIRECT = re.compile(r"^(\d*)(>>|>|<)(.+)$")


class Plan:
    """How one gen_tests.in line runs: stackcross options, shell redirections, program args and
    the QUIRK that drops the log before a marker line."""
    def __init__(self):
        self.opts, self.redirects, self.prog_args, self.start_marker = [], [], [], None


def expand(args, name, work):
    return args.replace("${NAME}", name).replace("$NAME", name).replace("$PWD", work)


def parse_options(name, args, work="."):
    """A Plan for a gen_tests.in option string (strace's spelling translated to stackcross's), or
    None when the line is not a plain run_strace_match_diff (a custom shell function or script).
    Options stackcross does not accept are passed on: it exits 64 and the test counts as unsupported."""
    try:
        words = shlex.split(expand(args, name, work))
    except ValueError:
        return None
    if words and not words[0].startswith("-") and not REDIRECT.match(words[0]) \
            and not words[0].startswith("QUIRK:"):
        return None  # `test_pidns …`, `. script; …`: a shell function of strace's harness
    plan, trace, i = Plan(), None, 0
    out = plan.opts
    while i < len(words):
        w = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else None
        r = REDIRECT.match(w)
        if w.startswith("QUIRK:START-OF-TEST-OUTPUT:"):
            plan.start_marker = w[len("QUIRK:START-OF-TEST-OUTPUT:"):]
        elif w.startswith("QUIRK:PROG-ARGS:"):
            plan.prog_args = w[len("QUIRK:PROG-ARGS:"):].split()
        elif w.startswith("QUIRK:"):
            return None  # START-OF-TEST-OUTPUT-REGEX is used by tampering tests only
        elif r:
            fd = int(r.group(1)) if r.group(1) else (0 if r.group(2) == "<" else 1)
            plan.redirects.append((fd, r.group(2), r.group(3)))
        elif re.fullmatch(r"-a\d+", w) or w.startswith("--columns="):
            pass  # alignment column: normalised away
        elif w in ("-a", "--columns") and nxt is not None:
            i += 1
        elif re.fullmatch(r"-s\d+", w):
            out += ["-s", w[2:]]
        elif re.fullmatch(r"-X\w+", w):
            out += ["-X", w[2:]]
        elif w in ("-e", "-s", "-X", "-P", "-E", "-u") and nxt is not None:
            if w == "-e" and nxt.startswith("trace="):
                trace = nxt[len("trace="):]
            elif w == "-e" and re.match(r"decode-fds?=", nxt):
                out += ["--decode-fds", nxt.split("=", 1)[1]]
            else:
                out += [w, nxt]
            i += 1
        elif w.startswith("-e") and len(w) > 2:
            q = w[2:]
            if q.startswith("trace="):
                trace = q[len("trace="):]
            elif re.match(r"decode-fds?=", q):
                out += ["--decode-fds", q.split("=", 1)[1]]
            else:
                out += ["-e", q]
        elif w.startswith("--") and "=" in w and w[2:].split("=", 1)[0] in LONG_QUALIFIERS:
            q, v = w[2:].split("=", 1)
            if q == "trace":
                trace = v
            else:
                out += ["-e", f"{q}={v}"]
        elif w.startswith("--trace-path="):
            out += ["-P", w.split("=", 1)[1]]
        elif w in BARE_DEFAULTS:
            out += [w, BARE_DEFAULTS[w]]
        elif w.startswith("--") and "=" in w:
            out += w.split("=", 1)
        else:
            out.append(w)
        i += 1
    if not any(o in ("-y", "-yy", "--decode-fds") for o in out):
        out += ["--decode-fds", "none"]  # strace without -y prints bare fds; stackcross shows paths by default
    plan.opts = out + ["-e", "trace=" + (trace if trace is not None else name)]
    return plan


# -Y adds the comm to the prefix (`[pid 12<sh>]`, with -o `12<sh> `).
PID_PREFIX = re.compile(r"^(?:\[pid\s+\d+(?:<[^>]*>)?\]|\d+(?:<[^>]*>)?)\s+")


def normalise(line):
    line = PID_PREFIX.sub("", line.rstrip("\n"))
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
    prog = os.path.join(TESTS, name)
    work = os.path.join(TESTS, name + ".sc.dir")
    plan = parse_options(name, args, work)
    if plan is None:
        return {"status": "custom-script", "options": args}
    if not os.access(prog, os.X_OK):
        return {"status": "not-built", "options": args}
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    env = dict(os.environ, STRACE_EXE=BIN)
    # strace's run_strace_match_diff runs the program once alone first (run_prog > /dev/null): files it
    # leaves behind exist when the trace starts, so -P can resolve them.
    try:
        subprocess.run(["../" + name] + plan.prog_args, cwd=work, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pass
    argv = [BIN, "trace"] + plan.opts + ["--", "../" + name] + plan.prog_args
    if plan.redirects:  # the generated script's `7>>/dev/full` applies to strace and the test alike
        redir = " ".join(f"{fd}{op}{shlex.quote(path)}" for fd, op, path in plan.redirects)
        argv = ["bash", "-c", 'exec "$@" ' + redir, "bash"] + argv
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
    log = p.stderr.decode("utf-8", "replace").splitlines()
    if plan.start_marker is not None:  # sed -n '/MARKER/,$p' of the harness
        first = next((k for k, l in enumerate(log) if plan.start_marker in l), len(log))
        log = log[first:]
    exp = [normalise(l) for l in p.stdout.decode("utf-8", "replace").splitlines()]
    got = [normalise(l) for l in log]
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
    why = {}  # the option stackcross refused, first line of its message
    for r in results.values():
        if r["status"] == "unsupported-options":
            msg = r.get("error", "").strip().splitlines()
            key = msg[0][:90] if msg else "?"
            why[key] = why.get(key, 0) + 1
    for k, v in sorted(why.items(), key=lambda kv: -kv[1]):
        print(f"  unsupported {v:3}: {k}")


main()
