#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench: nitro-token against the tools people would otherwise use.

Every contender runs against the fake server of the test suite on loopback.
Each figure is the median of --runs runs, after --warmup runs, with the
contenders of a group alternating run by run so that drift in the machine's
load hits them alike.  Wall time and peak RSS are measured per process with
wait4(2).  The table is followed by the ratios the targets are stated in and
by the exact commands.
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
TOKEN = "abc.DEF-123_~+/xyz=="


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


def make_cert(tmp):
    def run(*a):
        subprocess.run(a, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
        "/CN=bench-ca", "-keyout", tmp + "/ca.key", "-out", tmp + "/ca.pem")
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
        "-keyout", tmp + "/server.key", "-out", tmp + "/server.csr")
    with open(tmp + "/ext", "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    run("openssl", "x509", "-req", "-in", tmp + "/server.csr", "-CA", tmp + "/ca.pem",
        "-CAkey", tmp + "/ca.key", "-CAcreateserial", "-days", "2", "-extfile", tmp + "/ext",
        "-out", tmp + "/server.pem")


MEASURE = os.path.join(BENCH, "measure")


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


def group(contenders, env, runs, warmup):
    """contenders: [(name, argv)]; returns {name: (median s, median KiB)}"""
    times = {n: [] for n, _ in contenders}
    rss = {n: [] for n, _ in contenders}
    for i in range(warmup + runs):
        order = contenders if i % 2 == 0 else list(reversed(contenders))
        for name, argv in order:
            t, m = once(argv, env)
            if i >= warmup:
                times[name].append(t)
                rss[name].append(m)
    return {n: (statistics.median(times[n]), statistics.median(rss[n])) for n, _ in contenders}


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--nitro-token", default=os.path.join(ROOT, "nitro-token"))
    ap.add_argument("--trivial", default=os.path.join(BENCH, "trivial"))
    a = ap.parse_args()
    if a.runs < 20:
        sys.exit("bench: at least 20 runs per figure")
    for tool in ("curl", "jq", "openssl"):
        if shutil.which(tool) is None:
            sys.exit("bench: %s is needed (make deps installs it)" % tool)

    tmp = tempfile.mkdtemp(prefix="nitro-bench-")
    make_cert(tmp)
    plain, port, plain_log = start_server(tmp)
    tls, tls_port, _ = start_server(tmp, tls=True)
    try:
        base = "http://127.0.0.1:%d" % port
        tls_base = "https://localhost:%d" % tls_port
        body = json.dumps({"clientID": "bench-client", "clientSecret": "bench-secret"})
        env = {k: v for k, v in os.environ.items() if not k.startswith("NITRO_")
               and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
        env.update(HOME=tmp, NITRO_CLIENT_ID="bench-client", NITRO_CLIENT_SECRET="bench-secret",
                   NITRO_BASE_URL=base, NITRO_CACHE_DIR=tmp + "/cache", no_proxy="*")
        nt = a.nitro_token
        curl = ["curl", "-s", "-X", "POST", "-H", "Content-Type: application/json",
                "-H", "Accept: application/json", "-d", body]
        with open(tmp + "/token.txt", "w") as f:
            f.write(TOKEN + "\n")

        groups = []
        cold = group([
            ("nitro-token --no-cache", [nt, "--no-cache"]),
            ("curl -s (no parsing)", curl + [base + "/oauth/token"]),
            ("curl -s | jq -r .accessToken",
             ["sh", "-c", "curl -s -X POST -H 'Content-Type: application/json' "
              "-H 'Accept: application/json' -d '%s' %s/oauth/token | jq -r .accessToken"
              % (body, base)]),
            ("python3 urllib", [sys.executable, "-S", os.path.join(BENCH, "urllib_fetch.py")]),
        ], env, a.runs, a.warmup)
        groups.append(("1. cold fetch, loopback http", cold))

        tls_env = dict(env, NITRO_BASE_URL=tls_base)
        cold_tls = group([
            ("nitro-token --no-cache --cacert", [nt, "--no-cache", "--cacert", tmp + "/ca.pem"]),
            ("curl -s --cacert", curl + ["--cacert", tmp + "/ca.pem", tls_base + "/oauth/token"]),
        ], tls_env, a.runs, a.warmup)
        groups.append(("2. cold fetch, loopback https", cold_tls))

        once([nt], env)  # fill the cache
        hit = group([
            ("nitro-token (cache hit)", [nt]),
            ("trivial C program", [a.trivial]),
            ("cat of a file", ["cat", tmp + "/token.txt"]),
        ], env, a.runs, a.warmup)
        groups.append(("3. cache hit", hit))

        # the static binary (make static), when it has been built
        static = os.path.join(ROOT, "nitro-token-static")
        trivial_static = os.path.join(BENCH, "trivial-static")
        static_hit = None
        if os.path.exists(static) and os.path.exists(trivial_static):
            once([static], env)
            static_hit = group([
                ("nitro-token-static (cache hit)", [static]),
                ("trivial static C program", [trivial_static]),
            ], env, a.runs, a.warmup)
            groups.append(("3s. cache hit, static binary (%d KiB)"
                           % (os.path.getsize(static) // 1024), static_hit))

        # the api command on a cache hit, beside curl -K with the header in a file
        with open(tmp + "/api-curl.cfg", "w") as f:
            f.write('header = "Authorization: Bearer %s"\nheader = "Accept: application/json"\n'
                    % TOKEN)
        api_hit = group([
            ("nitro-token api GET (cache hit)", [nt, "api", "GET", "/t/whoami"]),
            ("curl -s -K header file", ["curl", "-s", "-K", tmp + "/api-curl.cfg",
                                        base + "/t/whoami"]),
        ], env, a.runs, a.warmup)
        groups.append(("3a. API call on a cache hit, loopback http", api_hit))

        par_env = dict(env, NITRO_CACHE_DIR=tmp + "/cache-parallel")
        before = sum(1 for _ in open(plain_log))
        wall, distinct = parallel([nt], par_env, 20)
        requests = sum(1 for _ in open(plain_log)) - before
    finally:
        plain.kill()
        tls.kill()

    print("nitro-token benchmark: median of %d runs after %d warm-up runs, contenders alternating"
          % (a.runs, a.warmup))
    print("machine: %s, %d cores, %s; %s" % (platform.machine(), os.cpu_count(),
                                               platform.platform(), platform.python_version()))
    print()
    print("%-34s %12s %14s" % ("contender", "median ms", "peak RSS KiB"))
    for title, res in groups:
        print(title)
        for name, (t, m) in res.items():
            print("  %-32s %12.2f %14d" % (name, t * 1000, m))
    print("5. 20 parallel cold runs")
    print("  %-32s %12.2f %14s" % ("wall time, all 20", wall * 1000, "-"))
    print("  %-32s %12d" % ("requests the server saw", requests))
    print("  %-32s %12d" % ("distinct tokens printed", distinct))

    def r(g, x, y):
        return g[x][0] / g[y][0]
    checks = [
        ("(1) nitro-token / bare curl", r(cold, "nitro-token --no-cache", "curl -s (no parsing)"), 1.05),
        ("(1) nitro-token / curl | jq", r(cold, "nitro-token --no-cache",
                                          "curl -s | jq -r .accessToken"), 0.5),
        ("(2) nitro-token / curl, https", r(cold_tls, "nitro-token --no-cache --cacert",
                                            "curl -s --cacert"), 1.05),
        ("(3) cache hit / trivial C program", r(hit, "nitro-token (cache hit)",
                                                "trivial C program"), 1.5),
    ]
    if static_hit is not None:
        checks.append(("(3s) static hit / trivial static", r(
            static_hit, "nitro-token-static (cache hit)", "trivial static C program"), 1.25))
    checks.append(("(3a) api GET / curl -K", r(api_hit, "nitro-token api GET (cache hit)",
                                               "curl -s -K header file"), 1.1))
    rss_checks = [
        ("(4) cache-hit peak RSS, KiB", hit["nitro-token (cache hit)"][1], 4096),
        ("(4) cold peak RSS minus curl's, KiB",
         cold["nitro-token --no-cache"][1] - cold["curl -s (no parsing)"][1], 0),
        ("(5) requests for 20 parallel cold runs", requests, 1),
    ]
    print()
    print("%-40s %10s %10s" % ("target", "measured", "at most"))
    failed = 0
    for name, v, limit in checks:
        ok = v <= limit
        failed += not ok
        print("%-40s %9.2fx %9.2fx %s" % (name, v, limit, "ok" if ok else "MISSED"))
    for name, v, limit in rss_checks:
        ok = v <= limit if "(5)" not in name else v == limit
        failed += not ok
        print("%-40s %10d %10d %s" % (name, v, limit, "ok" if ok else "MISSED"))
    print()
    print("commands (NITRO_CLIENT_ID, NITRO_CLIENT_SECRET, NITRO_BASE_URL and NITRO_CACHE_DIR"
          " in the environment):")
    print("  nitro-token --no-cache")
    print("  " + shlex.join(curl) + " $NITRO_BASE_URL/oauth/token")
    print("  sh -c \"curl -s -X POST ... $NITRO_BASE_URL/oauth/token | jq -r .accessToken\"")
    print("  python3 -S tests/bench/urllib_fetch.py")
    print("  nitro-token --no-cache --cacert ca.pem   vs   curl -s ... --cacert ca.pem https://localhost:PORT/oauth/token")
    print("  nitro-token (entry cached)   vs   tests/bench/trivial   vs   cat token.txt")
    print("  nitro-token api GET /t/whoami (entry cached)   vs   curl -s -K api-curl.cfg"
          " $NITRO_BASE_URL/t/whoami")
    print("  20 x nitro-token started at once against an empty cache directory")
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
