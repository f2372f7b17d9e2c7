#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench: nitro-token against the tools people would otherwise use.

Every contender runs against the fake server of the test suite on loopback
(TCP_NODELAY on, as a real server has it).  The contenders of a group run in
turn, --runs times after --warmup runs, in an order that alternates run by run
so that drift in the machine's load hits them alike.  A ratio is the median of
the ratios within each turn: every figure in the targets table comes from one
paired run.  Wall time and peak RSS are measured per process with wait4(2).

The system-CA figures need the bench's CA in the system's store.  Run as root
with mount namespaces at hand, the bench does that in a namespace of its own:
a copy of /etc/ssl/certs with the CA added (to the bundle and, hashed, to the
directory) is mounted over /etc/ssl/certs for its processes only.  Elsewhere
those figures are left out.

--baseline and --baseline-static name an earlier build; it runs in the same
turns, so the table shows its figures beside the new ones.
"""
import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(ROOT, "tests", "bench")
BUILT = os.path.join(ROOT, "build", "bench")
MEASURE = os.path.join(BENCH, "measure")
TOKEN = "abc.DEF-123_~+/xyz=="
CERTS = "/etc/ssl/certs"


def start_server(tmp, tls=False):
    port_file = os.path.join(tmp, "port-" + ("tls" if tls else "plain"))
    log = os.path.join(tmp, "log-" + ("tls" if tls else "plain"))
    responses = os.path.join(tmp, "responses")
    with open(responses, "w") as f:
        json.dump([{"status": 200, "body": {"accessToken": TOKEN, "tokenType": "Bearer",
                                            "expiresIn": 86400}}], f)
    cmd = [sys.executable, os.path.join(ROOT, "tests", "fake_server.py"),
           "--port-file", port_file, "--log", log, "--responses", responses]
    if tls:
        cmd += ["--cert", os.path.join(tmp, "server.pem"), "--key", os.path.join(tmp, "server.key")]
    proc = subprocess.Popen(cmd)
    for _ in range(500):
        if os.path.exists(port_file):
            break
        time.sleep(0.01)
    with open(port_file) as f:
        return proc, int(f.read()), log


def run_quiet(*a):
    subprocess.run(a, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_cert(tmp):
    run_quiet("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
              "/CN=nitro-bench-ca", "-keyout", tmp + "/ca.key", "-out", tmp + "/ca.pem")
    run_quiet("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
              "-keyout", tmp + "/server.key", "-out", tmp + "/server.csr")
    with open(tmp + "/ext", "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    run_quiet("openssl", "x509", "-req", "-in", tmp + "/server.csr", "-CA", tmp + "/ca.pem",
              "-CAkey", tmp + "/ca.key", "-CAcreateserial", "-days", "2", "-extfile",
              tmp + "/ext", "-out", tmp + "/server.pem")


def trust_in_system_store(tmp):
    """Inside our own mount namespace: the bench CA joins a copy of the system store."""
    bundle = os.path.join(CERTS, "ca-certificates.crt")
    if not os.path.isfile(bundle):
        return False
    copy = os.path.join(tmp, "system-certs")
    run_quiet("cp", "-a", CERTS, copy)
    os.remove(os.path.join(copy, "ca-certificates.crt"))
    with open(os.path.join(copy, "ca-certificates.crt"), "w") as out:
        with open(bundle) as f:
            out.write(f.read())
        with open(tmp + "/ca.pem") as f:
            out.write(f.read())
    shutil.copy(tmp + "/ca.pem", os.path.join(copy, "nitro-bench-ca.pem"))
    run_quiet("openssl", "rehash", copy)
    run_quiet("mount", "--bind", copy, CERTS)
    return True


def once(argv, env):
    """Run argv once through measure; return (seconds, peak RSS in KiB). Fails loudly."""
    result = os.path.join(env["HOME"], "measure.out")
    proc = subprocess.run([MEASURE, result] + argv, env=env, capture_output=True)
    if proc.returncode != 0 or TOKEN.encode() not in proc.stdout:
        sys.exit("bench: %s failed (%d): %s%s" % (" ".join(argv), proc.returncode,
                                                  proc.stdout[:200], proc.stderr[:400]))
    with open(result) as f:
        ns, kib = f.read().split()
    return int(ns) / 1e9, int(kib)


class Group:
    """contenders: [(name, argv)], each run once per turn; keeps every turn's figures"""

    def __init__(self, title, contenders, env, runs, warmup):
        self.title = title
        self.names = [n for n, _ in contenders]
        self.times = {n: [] for n in self.names}
        self.rss = {n: [] for n in self.names}
        for i in range(warmup + runs):
            order = contenders if i % 2 == 0 else list(reversed(contenders))
            for name, argv in order:
                t, m = once(argv, env)
                if i >= warmup:
                    self.times[name].append(t)
                    self.rss[name].append(m)

    def ms(self, name):
        return statistics.median(self.times[name]) * 1000

    def kib(self, name):
        return statistics.median(self.rss[name])

    def ratio(self, x, y):
        """the median over the turns of x's time over y's in the same turn"""
        if x not in self.times or y not in self.times:
            return None
        return statistics.median(a / b for a, b in zip(self.times[x], self.times[y]))


def parallel(nt, env, n):
    procs = []
    t0 = time.perf_counter()
    for _ in range(n):
        procs.append(subprocess.Popen(nt, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    outs = set()
    for p in procs:
        out, err = p.communicate()
        if p.returncode != 0:
            sys.exit("bench: parallel run failed: %s" % err)
        outs.add(out)
    return time.perf_counter() - t0, len(outs)


def in_namespace():
    """Start again in a mount namespace of our own, where that can be done."""
    if "--in-namespace" in sys.argv or os.geteuid() != 0 or shutil.which("unshare") is None:
        return None
    if subprocess.run(["unshare", "-m", "true"], stderr=subprocess.DEVNULL).returncode != 0:
        return None
    return subprocess.run(["unshare", "-m", "--propagation", "private", sys.executable]
                          + sys.argv + ["--in-namespace"]).returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--nitro-token", default=os.path.join(ROOT, "nitro-token"))
    ap.add_argument("--static", default=os.path.join(ROOT, "nitro-token-static"))
    ap.add_argument("--baseline", help="an earlier nitro-token, measured beside this one")
    ap.add_argument("--baseline-static", help="an earlier nitro-token-static")
    ap.add_argument("--in-namespace", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.runs < 20:
        sys.exit("bench: at least 20 runs per figure")
    for tool in ("curl", "jq", "openssl"):
        if shutil.which(tool) is None:
            sys.exit("bench: %s is needed (make deps installs it)" % tool)
    rc = in_namespace()
    if rc is not None:
        return rc

    tmp = tempfile.mkdtemp(prefix="nitro-bench-")
    make_cert(tmp)
    system_cas = a.in_namespace and trust_in_system_store(tmp)
    plain, port, plain_log = start_server(tmp)
    tls, tls_port, _ = start_server(tmp, tls=True)
    nt, base = a.nitro_token, a.baseline
    static = a.static if os.path.exists(a.static) else None
    base_static = a.baseline_static if static else None
    try:
        url = "http://127.0.0.1:%d" % port
        tls_url = "https://localhost:%d" % tls_port
        body = json.dumps({"clientID": "bench-client", "clientSecret": "bench-secret"})
        # no CA named by the caller's environment: every contender uses its default
        env = {k: v for k, v in os.environ.items() if not k.startswith("NITRO_")
               and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "curl_ca_bundle",
                                     "ssl_cert_file", "ssl_cert_dir")}
        env.update(HOME=tmp, NITRO_CLIENT_ID="bench-client", NITRO_CLIENT_SECRET="bench-secret",
                   NITRO_BASE_URL=url, NITRO_CACHE_DIR=tmp + "/cache", no_proxy="*")
        curl = ["curl", "-s", "-X", "POST", "-H", "Content-Type: application/json",
                "-H", "Accept: application/json", "-d", body]
        with open(tmp + "/token.txt", "w") as f:
            f.write(TOKEN + "\n")
        with open(tmp + "/entry", "w") as f:
            f.write((TOKEN + "\n").ljust(300, "x"))

        def with_base(name, argv, old, old_argv):
            return [(name, argv)] + ([("earlier " + name, old_argv)] if old else [])

        groups = []
        cold = Group("1. cold fetch, loopback http",
                     with_base("nitro-token --no-cache", [nt, "--no-cache"],
                               base, [base, "--no-cache"]) + [
            ("curl -s (no parsing)", curl + [url + "/oauth/token"]),
            ("curl -s | jq -r .accessToken",
             ["sh", "-c", "curl -s -X POST -H 'Content-Type: application/json' "
              "-H 'Accept: application/json' -d '%s' %s/oauth/token | jq -r .accessToken"
              % (body, url)]),
            ("python3 urllib", [sys.executable, "-S", os.path.join(BENCH, "urllib_fetch.py")]),
        ], env, a.runs, a.warmup)
        groups.append(cold)

        tls_env = dict(env, NITRO_BASE_URL=tls_url)
        cold_sys = None
        if system_cas:
            contenders = with_base("nitro-token --no-cache", [nt, "--no-cache"],
                                   base, [base, "--no-cache"])
            if static:
                contenders += with_base("nitro-token-static --no-cache", [static, "--no-cache"],
                                        base_static, [base_static, "--no-cache"])
            contenders.append(("curl -s (its default CAs)", curl + [tls_url + "/oauth/token"]))
            cold_sys = Group("2. cold fetch, loopback https, the system's CAs", contenders,
                             tls_env, a.runs, a.warmup)
            groups.append(cold_sys)
        cold_tls = Group("2c. cold fetch, loopback https, --cacert", [
            ("nitro-token --no-cache --cacert", [nt, "--no-cache", "--cacert", tmp + "/ca.pem"]),
            ("curl -s --cacert", curl + ["--cacert", tmp + "/ca.pem", tls_url + "/oauth/token"]),
        ], tls_env, a.runs, a.warmup)
        groups.append(cold_tls)

        for prog in (nt, base, static, base_static):
            if prog:
                once([prog], env)  # fill the cache, in each one's format
        hit = Group("3. cache hit, behind env(1)",
                    with_base("nitro-token (cache hit)", ["env", nt], base, ["env", base]) + [
            ("trivial C program", ["env", os.path.join(BENCH, "trivial")]),
            ("cat of a file", ["env", "cat", tmp + "/token.txt"]),
        ], env, a.runs, a.warmup)
        groups.append(hit)

        static_hit = None
        if static:
            static_hit = Group("3s. cache hit, static binary (%d KiB)"
                               % (os.path.getsize(static) // 1024),
                               with_base("nitro-token-static (cache hit)", [static],
                                         base_static, [base_static]) + [
                ("trivial static-PIE program", [os.path.join(BUILT, "trivial-static-pie")]),
                ("trivial static program", [os.path.join(BENCH, "trivial-static")]),
                ("floor: read 300 B, write 100 B", [os.path.join(BUILT, "floor"), tmp + "/entry"]),
            ], env, a.runs, a.warmup)
            groups.append(static_hit)

        par_env = dict(env, NITRO_CACHE_DIR=tmp + "/cache-parallel")
        before = sum(1 for _ in open(plain_log))
        wall, distinct = parallel([nt], par_env, 20)
        requests = sum(1 for _ in open(plain_log)) - before
    finally:
        plain.kill()
        tls.kill()

    print("nitro-token benchmark: %d turns after %d warm-up turns, contenders alternating"
          % (a.runs, a.warmup))
    print("machine: %s, %d cores, %s; %s" % (platform.machine(), os.cpu_count(),
                                               platform.platform(), platform.python_version()))
    print()
    print("%-40s %12s %14s" % ("contender", "median ms", "peak RSS KiB"))
    for g in groups:
        print(g.title)
        for name in g.names:
            print("  %-38s %12.2f %14d" % (name, g.ms(name), g.kib(name)))
    print("5. 20 parallel cold runs")
    print("  %-38s %12.2f %14s" % ("wall time, all 20", wall * 1000, "-"))
    print("  %-38s %12d" % ("requests the server saw", requests))
    print("  %-38s %12d" % ("distinct tokens printed", distinct))

    def both(g, x, y):
        """(earlier, now) ratios of x to y in group g"""
        if g is None:
            return None, None
        return g.ratio("earlier " + x, y), g.ratio(x, y)

    def mib(g, x):
        if g is None or x not in g.rss:
            return None
        return g.kib(x) / 1024

    rows = [
        ("cold https, system CAs, dynamic, vs curl with its defaults",
         both(cold_sys, "nitro-token --no-cache", "curl -s (its default CAs)"), 0.5),
        ("cold https, static, vs the same curl",
         both(cold_sys, "nitro-token-static --no-cache", "curl -s (its default CAs)"), 0.2),
        ("static cache hit vs a trivial static-PIE program",
         both(static_hit, "nitro-token-static (cache hit)", "trivial static-PIE program"), 1.7),
        ("static cache hit vs the floor",
         both(static_hit, "nitro-token-static (cache hit)", "floor: read 300 B, write 100 B"),
         None),
        ("dynamic cache hit vs a trivial dynamic program (env)",
         both(hit, "nitro-token (cache hit)", "trivial C program"), 1.05),
        ("cold http vs bare curl", both(cold, "nitro-token --no-cache", "curl -s (no parsing)"),
         1.05),
        ("cold http vs curl | jq",
         both(cold, "nitro-token --no-cache", "curl -s | jq -r .accessToken"), 0.5),
    ]
    print()
    print("targets (ratios from one paired run; earlier: %s)" % (base or "not given"))
    print("%-56s %9s %9s %9s" % ("figure", "earlier", "now", "target"))
    failed = 0

    def x(v):
        return "%8.2fx" % v if v is not None else "%9s" % "-"
    for name, (old, new), limit in rows:
        verdict = ""
        if new is not None and limit is not None:
            verdict = "ok" if new <= limit else "MISSED"
            failed += new > limit
        print("%-56s %9s %9s %9s %s" % (name, x(old), x(new),
                                        "<= %.2fx" % limit if limit else "-", verdict))
    for label, g, name in (("dynamic", cold_sys, "nitro-token --no-cache"),
                           ("static", cold_sys, "nitro-token-static --no-cache")):
        old, new = mib(g, "earlier " + name), mib(g, name)
        verdict = ""
        if old is not None and new is not None:
            verdict = "ok" if new <= old * 1.02 else "MISSED"
            failed += new > old * 1.02
        print("%-56s %8s  %8s  %9s %s" % ("peak RSS MiB, cold https, " + label,
                                          "%.1f" % old if old else "-",
                                          "%.1f" % new if new else "-", "no worse", verdict))
    ok = requests == 1
    failed += not ok
    print("%-56s %9s %9d %9s %s" % ("requests for 20 parallel cold runs", "-", requests, "1",
                                    "ok" if ok else "MISSED"))
    if not system_cas:
        print("(the system-CA figures need root and a mount namespace: left out)")
    print()
    print("commands (NITRO_CLIENT_ID, NITRO_CLIENT_SECRET, NITRO_BASE_URL and NITRO_CACHE_DIR"
          " in the environment, no CA variable):")
    print("  nitro-token --no-cache")
    print("  " + shlex.join(curl) + " $NITRO_BASE_URL/oauth/token")
    print("  sh -c \"curl -s -X POST ... $NITRO_BASE_URL/oauth/token | jq -r .accessToken\"")
    print("  python3 -S tests/bench/urllib_fetch.py")
    print("  nitro-token[-static] --no-cache   vs   curl -s ... https://localhost:PORT/oauth/token"
          "   (the bench CA in the system's store)")
    print("  nitro-token --no-cache --cacert ca.pem   vs   curl -s ... --cacert ca.pem ...")
    print("  env nitro-token (entry cached)   vs   env tests/bench/trivial   vs   env cat token.txt")
    print("  nitro-token-static (entry cached)   vs   build/bench/trivial-static-pie   vs   "
          "tests/bench/trivial-static   vs   build/bench/floor entry")
    print("  20 x nitro-token started at once against an empty cache directory")
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
