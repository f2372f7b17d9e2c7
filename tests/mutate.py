#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make mutate: measure the suite by the bugs it catches.

Generates single-point mutants of src/*.c (a comparison flipped, a `!`
dropped, `&&` and `||` swapped, a status constant swapped, a wiping or
cleanup call deleted, a bound moved by one, a return value flipped), skipping
comments, string literals, preprocessor lines and the lines this build does
not compile (MUTATE_CPP).  A seeded sample of them
(MUTATE_N, MUTATE_SEED) is run one at a time: the file is changed, nitro-token
rebuilt, the bats files most related to the file run, then the whole suite
for a mutant they did not kill; the file is always restored.  Prints the
score over the non-equivalent mutants and every survivor as FILE:LINE,
original, mutant.  Mutants listed in tests/mutate-equivalent.txt change
nothing observable and are not run.

The sample is stratified: each file of src/ gets its share (MUTATE_N split
as evenly as the files' mutants allow, the files taken in turn), so that a
small sample still reaches every file.  Within a file the picks are the
mutants whose hash with the seed comes first: an equivalent listed, or a
line edited, replaces only the picks it touches.  The unmutated code is tested first
(the related files of the whole sample at the start, the whole suite the
first time a mutant gets that far), and a test that fails there is ignored
afterwards: only a test that passes on the real code and fails on the
mutant kills it (a hang counts as a kill).  MUTATE_BASELINE names the TAP
output of a whole-suite run of the unmutated tree to take instead;
MUTATE_PART=I/N runs every N-th mutant of the sample from the I-th on.
"""
import hashlib
import os
import re
import shlex
import signal
import subprocess
import sys
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "src")

# the bats files that exercise each source file most directly
RELATED = {
    "api.c": ["api.bats"],
    "buf.c": ["fetch.bats", "memory.bats"],
    "cache.c": ["cache.bats", "faults.bats", "descriptors.bats"],
    "cli.c": ["cli.bats", "docs.bats"],
    "compat.c": ["memory.bats", "config.bats"],
    "config.c": ["config.bats", "secrets.bats", "faults.bats"],
    "io.c": ["output.bats", "cache.bats", "fresh.bats", "faults.bats"],
    "keep.c": ["fresh.bats", "descriptors.bats"],
    "http.c": ["network.bats", "fetch.bats", "messages.bats"],
    "main.c": ["fetch.bats", "cli.bats", "output.bats", "cache.bats", "messages.bats", "faults.bats"],
    "msg.c": ["messages.bats", "network.bats", "cli.bats"],
    "output.c": ["output.bats", "faults.bats", "descriptors.bats"],
    "secret.c": ["config.bats", "secrets.bats", "memory.bats", "faults.bats", "descriptors.bats"],
    "token.c": ["fetch.bats", "messages.bats"],
}

STATUS_SWAPS = [
    ("EXIT_USAGE", "EXIT_CONFIG"), ("EXIT_CONFIG", "EXIT_USAGE"),
    ("EXIT_NETWORK", "EXIT_INVALID"), ("EXIT_REJECTED", "EXIT_UNAUTHORIZED"),
    ("EXIT_UNAUTHORIZED", "EXIT_REJECTED"), ("EXIT_SERVER", "EXIT_REJECTED"),
    ("EXIT_INVALID", "EXIT_SERVER"), ("EXIT_INTERNAL", "EXIT_CONFIG"),
    ("CONFIG_EUSAGE", "CONFIG_EINVALID"), ("CONFIG_EINVALID", "CONFIG_EUSAGE"),
    ("CONFIG_ENOMEM", "CONFIG_EUSAGE"), ("CLI_ENOMEM", "CLI_OK"),
    ("TOKEN_ENOMEM", "TOKEN_EINVALID"), ("TOKEN_EINVALID", "TOKEN_OK"),
    ("HTTP_ENET", "HTTP_ETOOBIG"), ("HTTP_REJECTED", "HTTP_SERVER"),
    ("HTTP_UNAUTHORIZED", "HTTP_REJECTED"), ("SECRET_ETOOBIG", "SECRET_EEMPTY"),
    ("CACHE_OK", "CACHE_MISS"), ("BUF_ECAP", "BUF_ENOMEM"),
]
DELETABLE = ("secret_wipe", "secret_free", "buf_release", "cache_release", "close",
             "fsync", "unlinkat", "json_decref", "token_release", "secret_abort",
             "secret_unharden", "sigprocmask", "fclose", "explicit_bzero")
OPS = [
    (r"==", "!="), (r"!=", "=="), (r"(?<![<-])<=", "<"), (r"(?<![<-])<(?![<=])", "<="),
    (r"(?<![>-])>=", ">"), (r"(?<![>-])>(?![>=])", ">="), (r"&&", "||"), (r"\|\|", "&&"),
    (r"!(?=[A-Za-z_(])", ""), (r"return 0;", "return 1;"), (r"return 1;", "return 0;"),
]


# the program and the test drivers linked with its objects, rebuilt for each mutant
BUILD = ["make", "-s", "nitro-token", "tests/quote", "tests/unit"]


def code_part(line):
    """The line with string and char literals blanked, and None for lines to skip."""
    s = line.strip()
    if not s or s.startswith("#") or s.startswith("/*") or s.startswith("*") or s.startswith("//"):
        return None
    out = re.sub(r'"(\\.|[^"\\])*"', lambda m: " " * len(m.group(0)), line)
    out = re.sub(r"'(\\.|[^'\\])'", lambda m: " " * len(m.group(0)), out)
    cut = out.find("/*")
    return out if cut < 0 else out[:cut]


# code the dynamic build compiles but does not reach here, whose own gates
# make mutate does not run: compat_relro() returns at PT_INTERP unless the
# binary is static (make check-static); compat_close_from() returns after
# close_range(2) on Linux 5.9 and later, and its portable loop runs in
# make check-fallbacks
NOT_REACHED = {("compat.c", "compat_relro"), ("compat.c", "compat_close_from")}

# a function's name starts the line of its definition (the project's style)
FUNCTION_START = re.compile(r"^([a-z_][a-z0-9_]*)\(")


def compiled_lines(name):
    """The numbers (from 0) of the lines of src/name that the build compiles:
    what the preprocessor keeps under MUTATE_CPP (the build's own cc -E), so
    that branches for other systems, the fallbacks and the static build are
    not mutated where no test of this build can reach them.  None: all."""
    cpp = os.environ.get("MUTATE_CPP")
    if not cpp:
        return None
    out = subprocess.run(shlex.split(cpp) + [os.path.join("src", name)], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout
    keep, here, n = set(), False, 0
    for line in out.decode("utf-8", "replace").split("\n"):
        m = re.match(r'# (\d+) "([^"]*)"', line)
        if m:
            here, n = m.group(2) == "src/" + name, int(m.group(1)) - 1
            continue
        if here and line.strip():
            keep.add(n)
        n += 1
    return keep


def mutants():
    for name in sorted(os.listdir(SRC)):
        if not name.endswith(".c"):
            continue
        lines = open(os.path.join(SRC, name)).read().split("\n")
        compiled = compiled_lines(name)
        in_comment = False
        func = ""  # as function_of() finds it, kept up line by line
        for i, line in enumerate(lines):
            m = FUNCTION_START.match(line)
            if m:
                func = m.group(1)
            if compiled is not None and i not in compiled:
                continue
            if (name, func) in NOT_REACHED:
                continue
            s = line.strip()
            if in_comment:
                in_comment = "*/" not in s
                continue
            if s.startswith("/*") and "*/" not in s:
                in_comment = True
                continue
            code = code_part(line)
            if code is None:
                continue
            for pat, rep in OPS:
                for m in re.finditer(pat, code):
                    new = line[:m.start()] + rep + line[m.end():]
                    yield name, i, line, new
            for a, b in STATUS_SWAPS:
                for m in re.finditer(r"\b%s\b" % a, code):
                    yield name, i, line, line[:m.start()] + b + line[m.end():]
            m = re.match(r"^(\s*)(%s)\(.*\);\s*$" % "|".join(DELETABLE), line)
            if m:
                yield name, i, line, m.group(1) + ";"
            for m in re.finditer(r"(?<![\w.])(\d+)(?![\w.])", code):
                if re.search(r"[<>=]=?\s*$", code[:m.start()]) or re.match(r"\s*[<>]", code[m.end():]):
                    yield name, i, line, line[:m.start()] + str(int(m.group(1)) + 1) + line[m.end():]


def equivalents():
    path = os.path.join(ROOT, "tests", "mutate-equivalent.txt")
    eq = set()
    for raw in open(path):
        raw = raw.rstrip("\n")
        if raw and not raw.startswith("#"):
            # C's own " | " may stand in both lines: a mutant changes one
            # point, so each side has as many as the other
            f, rest = raw.split(" | ", 1)
            parts = rest.split(" | ")
            if len(parts) % 2:
                sys.exit("mutate: %s: cannot tell the two lines apart: %s" % (path, raw))
            orig = " | ".join(parts[:len(parts) // 2])
            new = " | ".join(parts[len(parts) // 2:])
            eq.add((f, orig.strip(), new.strip()))
    return eq


def function_of(name, i):
    """The function that line i of src/name is in (its name starts a line)."""
    lines = open(os.path.join(SRC, name)).read().split("\n")
    for line in reversed(lines[:i + 1]):
        m = FUNCTION_START.match(line)
        if m:
            return m.group(1)
    return ""


def equivalent(m, eq):
    """An entry names FILE, or FILE:FUNCTION where the same line occurs twice."""
    name, i, orig, new = m
    return ((name, orig.strip(), new.strip()) in eq or
            ("%s:%s" % (name, function_of(name, i)), orig.strip(), new.strip()) in eq)


def run(cmd, timeout):
    try:
        return subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        return -1  # a hang is a failure the suite noticed


def tap_failure(line):
    """The name of the test a TAP line says failed, or None."""
    m = re.match(r"not ok \d+ (.*?)(?: # .*)?$", line)
    return m.group(1) if m else None


def failing(bats, files, timeout, known=None):
    """The names of the tests that fail in files (TAP), or None for a hang.
    Given known (the failures of the unmutated code), it stops at the first
    other failure: one is enough to kill a mutant.  The suite runs in a
    session of its own, so that stopping it ends its servers too."""
    proc = subprocess.Popen(["env", "--default-signal", bats, "--tap"] + files, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    names = set()
    timer = None
    try:
        hung = []
        timer = threading.Timer(timeout, lambda: (hung.append(1), stop(proc)))
        timer.start()
        for raw in proc.stdout:
            name = tap_failure(raw.decode("utf-8", "replace").rstrip("\n"))
            if name is not None:
                names.add(name)
                if known is not None and name not in known:
                    break
        if hung:
            return None
    finally:
        if timer:
            timer.cancel()
        stop(proc)
    return names


def stop(proc):
    """End a suite started by failing(), and everything it started."""
    if proc.poll() is None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(5)
                break
            except subprocess.TimeoutExpired:
                continue
    else:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # what the suite left running
        except ProcessLookupError:
            pass
    proc.wait()


def killed_by(bats, files, timeout, broken):
    """1 when a test of files that passes on the real code fails (or the run hangs)."""
    names = failing(bats, files, timeout, broken)
    return names is None or bool(names - broken)


def stratified(every, n, seed):
    """n mutants, every file of src/ taken in turn.  Each file's queue is
    ordered by a hash of the seed and of the mutant itself (its line, the
    mutated line, which of the identical ones it is), not by its place: so
    an equivalent listed gives way to the next of its file's queue alone,
    and a line added, moved or changed leaves every other pick as it was."""
    by_file, seen = {}, {}
    for m in every:
        name, _, orig, new = m
        key = (name, orig.strip(), new.strip())
        seen[key] = seen.get(key, 0) + 1
        h = hashlib.sha256(("%d\0%s\0%s\0%s\0%d" % ((seed,) + key + (seen[key],))).encode())
        by_file.setdefault(name, []).append((h.digest(), m))
    queues = [[m for _, m in sorted(by_file[name], key=lambda e: e[0], reverse=True)]
              for name in sorted(by_file)]
    sample = []
    while len(sample) < n and any(queues):
        for q in queues:
            if q and len(sample) < n:
                sample.append(q.pop())
    return sample


def main():
    # stopped by a signal, the mutated file is still put back (finally)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))
    n = int(os.environ.get("MUTATE_N", "60"))
    seed = int(os.environ.get("MUTATE_SEED", "1"))
    bats = os.environ.get("BATS", "bats")
    eq = equivalents()
    every = [m for m in mutants() if not equivalent(m, eq)]
    sample = stratified(every, n, seed)
    # MUTATE_PART=I/N: the I-th of N interleaved shares of the sample, so
    # that N checkouts can run one sample between them; numbers stay the
    # sample's own
    part, parts = (int(x) for x in os.environ.get("MUTATE_PART", "1/1").split("/"))
    print("mutate: %d mutants in src/*.c (%d known equivalent), sample of %d, seed %d"
          % (len(every), len(eq), len(sample), seed), flush=True)
    print("mutate: per file: %s" % ", ".join(
        "%s %d" % (f, sum(1 for m in sample if m[0] == f))
        for f in sorted(set(m[0] for m in every))), flush=True)
    if run(["make", "-s", "nitro-token", "test-progs"], 600) != 0:
        sys.exit("mutate: the unmutated tree does not build")
    # the unmutated code first, its failures nobody's kills: the related
    # files of the whole sample now, the whole suite when a mutant first
    # gets that far (with the real file put back for the while)
    baseline = {}
    # MUTATE_BASELINE: the TAP output of the whole suite run on this tree's
    # unmutated code already (CI's make check), whose failures are ignored
    # for every file list instead of running the suite again for them
    given = os.environ.get("MUTATE_BASELINE")
    if given:
        tap = open(given, encoding="utf-8", errors="replace").read().split("\n")
        if not any(line.startswith("ok ") for line in tap):
            sys.exit("mutate: %s holds no TAP result" % given)
        known = set(tap_failure(line) for line in tap) - {None}
        for name in sorted(known):
            print("mutate: ignored, fails on the unmutated code: %s" % name, flush=True)

    def broken(files):
        key = tuple(files)
        if given:
            return known
        if key not in baseline:
            baseline[key] = failing(bats, files, 1800)
            if baseline[key] is None:
                sys.exit("mutate: the unmutated suite hangs: %s" % " ".join(files))
            for name in sorted(baseline[key]):
                print("mutate: ignored, fails on the unmutated code: %s" % name, flush=True)
        return baseline[key]

    related = sorted(set("tests/" + f for k, m in enumerate(sample) if k % parts == part - 1
                         for f in RELATED.get(m[0], [])
                         if os.path.exists(os.path.join(ROOT, "tests", f))))
    broken(related)
    killed, survivors, stillborn = 0, [], 0
    for k, (name, i, orig, new) in enumerate(sample, 1):
        if (k - 1) % parts != part - 1:
            continue
        path = os.path.join(SRC, name)
        text = open(path).read()
        lines = text.split("\n")
        lines[i] = new
        where = "%s:%d" % ("src/" + name, i + 1)
        try:
            open(path, "w").write("\n".join(lines))
            if run(BUILD, 600) != 0:
                stillborn += 1
                print("%3d %s does not build" % (k, where), flush=True)
                continue
            files = ["tests/" + f for f in RELATED.get(name, [])
                     if os.path.exists(os.path.join(ROOT, "tests", f))]
            dead = bool(files) and killed_by(bats, files, 600, broken(related))
            if not dead and not given and ("tests",) not in baseline:
                open(path, "w").write(text)
                run(BUILD, 600)
                broken(["tests"])
                open(path, "w").write("\n".join(lines))
                run(BUILD, 600)
            if dead or killed_by(bats, ["tests"], 1200, broken(["tests"])):
                killed += 1
                print("%3d %s killed: %s -> %s" % (k, where, orig.strip(), new.strip()),
                      flush=True)
            else:
                survivors.append((where, orig.strip(), new.strip()))
                print("%3d %s SURVIVED: %s -> %s" % (k, where, orig.strip(), new.strip()),
                      flush=True)
        finally:
            open(path, "w").write(text)
    run(BUILD, 600)
    counted = killed + len(survivors)
    score = 100.0 * killed / counted if counted else 0.0
    print("mutate: %d killed, %d survived, %d did not build; score %.1f%%"
          % (killed, len(survivors), stillborn, score))
    for where, orig, new in survivors:
        print("survivor %s\n  original: %s\n  mutant:   %s" % (where, orig, new))
    floor = float(os.environ.get("MUTATE_MIN", "0"))
    sys.exit(1 if score < floor else 0)


if __name__ == "__main__":
    main()
