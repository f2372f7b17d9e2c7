#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A fake Nitro Sign token endpoint for the test suite (standard library only).

It listens on 127.0.0.1 on --port, by default one the OS assigns, and
writes that port to --port-file (without one, it prints its base URL).
Every request is appended to --log as one JSON line (method, path, headers,
body), so a test can check exactly what the client sent.  --help says what
each flag does; every flag is optional.

The request contract of the API (POST /oauth/token, Content-Type
application/json, a JSON object with non-empty string clientID and
clientSecret) is enforced: a request that breaks it gets the spec's 400
OAuth error, whatever the test asked for, and its log line says why.

What to answer comes from --responses, a JSON list read at each request; the
n-th request gets the n-th item, and the last item repeats.  Each item may
have:
  status      HTTP status (default 200)
  headers     extra response headers
  body        a JSON value, sent as application/json
  raw         a string sent as it is (with the given headers only)
  delay       seconds to wait before answering
  hang        true: accept the request and never answer
  close       true: close the connection without an answer
  chunked     N: send N bytes of body with chunked transfer encoding
  connect_status  as a proxy: answer a CONNECT with this status (and the
              headers) instead of opening the tunnel
"{n}" anywhere in an item becomes the number of the request, from 1, so that
every answer can carry a different token.  Without a responses file the
answer is a valid AuthTokenResponse.

The API side: every token in a 200 answer is remembered, valid for its
expiresIn/expires_in seconds from the answer (or for ever without one).
GET /api/test and GET /sign/envelopes (an empty list, for the README's
example) with "Authorization: Bearer TOKEN" answer 200 for a valid
token, else 401 with problem JSON (RFC 9457: type, title, status, detail).
POST /_control/rotate revokes every token issued so far, as rotating an
application's credentials does.  Neither is logged in --log nor counted
as a request; they are logged in LOG.api instead.

Paths under /t/ are the api command's test endpoints (see ApiTests below):
they answer from their path and query, not from --responses, and are logged
in LOG.t with the exact body bytes, not in --log.

The server also acts as a forward proxy: it accepts absolute-form request
targets (logged in full as "target") and tunnels CONNECT requests to the
host and port they name (logged with method CONNECT).
"""
import argparse
import json
import os
import select
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

DEFAULT = {"status": 200, "body": {"accessToken": "test-token-1",
                                   "tokenType": "Bearer", "expiresIn": 86400}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-nitro/1"
    # TCP_NODELAY: with Nagle's algorithm every small answer after the first
    # write would wait for the client's delayed ACK (some 40 ms)
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def _read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _contract(self, path, body):
        if self.command != "POST":
            return "method is not POST"
        if path != "/oauth/token":
            return "path is not /oauth/token"
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if ctype != "application/json":
            return "content type is not application/json"
        try:
            req = json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return "body is not JSON"
        if not isinstance(req, dict):
            return "body is not an object"
        for k in ("clientID", "clientSecret"):
            if not isinstance(req.get(k), str) or not req[k]:
                return k + " is missing or empty"
        return None

    def _log(self, path, target, body, contract):
        """Append one request to the log, as one JSON line."""
        entry = {
            "method": self.command,
            "path": path,
            "target": target,
            # http.server decodes header bytes as Latin-1; log them as UTF-8
            "headers": {k.lower(): v.encode("latin-1").decode("utf-8", "replace")
                        for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
            "contract": contract,
            "time": time.time(),
        }
        with self.server.lock:
            with open(self.server.log_path, "a") as f:
                f.write(json.dumps(entry) + "\n")

    def _next_response(self):
        srv = self.server
        with srv.lock:
            n = srv.count
            srv.count += 1
        try:
            with open(srv.responses_path) as f:
                items = json.load(f)
        except FileNotFoundError:
            return DEFAULT
        item = items[min(n, len(items) - 1)]
        # "{n}" anywhere in an answer becomes the request's number, from 1
        return json.loads(json.dumps(item).replace("{n}", str(n + 1)))

    def _remember(self, status, payload):
        """A token in a 200 answer is valid until it expires or a rotation."""
        try:
            body = json.loads(payload.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return
        if status != 200 or not isinstance(body, dict):
            return
        tok = body.get("accessToken", body.get("access_token"))
        life = body.get("expiresIn", body.get("expires_in"))
        if not isinstance(tok, str):
            return
        until = time.time() + life if isinstance(life, (int, float)) and life > 0 else None
        with self.server.lock:
            self.server.issued[tok] = until
            self.server.revoked.discard(tok)

    def _problem(self, kind, detail):
        p = {"type": "https://fake-nitro.invalid/problems/" + kind,
             "title": "Unauthorized", "status": 401, "detail": detail}
        self._send(401, {"Content-Type": "application/problem+json",
                         "WWW-Authenticate": 'Bearer error="invalid_token"'},
                   json.dumps(p).encode())

    def _api(self, path, body):
        """The API side: the rotate control and the authenticated test endpoint."""
        auth = self.headers.get("Authorization") or ""
        with self.server.lock:
            with open(self.server.log_path + ".api" if self.server.api_log else os.devnull, "a") as f:
                f.write(json.dumps({"method": self.command, "path": path,
                                    "authorization": auth, "time": time.time()}) + "\n")
        if path == "/_control/rotate" and self.command == "POST":
            with self.server.lock:
                n = len(self.server.issued)
                self.server.revoked.update(self.server.issued)
                self.server.issued.clear()
            self._send(200, {"Content-Type": "application/json"},
                       json.dumps({"revoked": n}).encode())
            return
        scheme, _, tok = auth.partition(" ")
        with self.server.lock:
            known = tok in self.server.issued
            until = self.server.issued.get(tok)
            revoked = tok in self.server.revoked
        if scheme != "Bearer" or not tok:
            self._problem("missing-token", "no bearer token in the Authorization header")
        elif revoked:
            self._problem("token-revoked", "the access token was revoked by a credential rotation")
        elif not known:
            self._problem("unknown-token", "the access token was not issued here")
        elif until is not None and time.time() >= until:
            self._problem("token-expired", "the access token expired")
        elif path == "/sign/envelopes":
            self._send(200, {"Content-Type": "application/json"},
                       json.dumps({"items": []}).encode())
        else:
            self._send(200, {"Content-Type": "application/json"},
                       json.dumps({"ok": True}).encode())

    def _send(self, status, headers, payload):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _handle(self):
        if self.path.startswith("/t/"):
            ApiTests.handle(self)
            return
        body = self._read_body()
        target = self.path
        path = urlsplit(target).path if target.startswith("http") else target
        if path in ("/api/test", "/sign/envelopes", "/_control/rotate"):
            self._api(path, body)
            return
        violation = self._contract(path, body)
        self._log(path, target, body, violation or "ok")
        if violation:
            err = {"error": "invalid_request", "error_description": violation}
            self._send(400, {"Content-Type": "application/json"},
                       json.dumps(err).encode())
            return
        r = self._next_response()
        if r.get("delay"):
            time.sleep(r["delay"])
        if r.get("hang"):
            time.sleep(3600)
            return
        if r.get("close"):
            self.close_connection = True
            return
        status = r.get("status", 200)
        headers = dict(r.get("headers", {}))
        if "chunked" in r:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            chunk = b"x" * 65536
            left = r["chunked"]
            try:
                while left > 0:
                    piece = chunk[:min(left, len(chunk))]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    left -= len(piece)
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
            return
        if "raw" in r:
            payload = r["raw"].encode("utf-8", "surrogateescape")
        else:
            headers.setdefault("Content-Type", "application/json")
            payload = json.dumps(r.get("body", {})).encode()
        self._remember(status, payload)
        self._send(status, headers, payload)

    do_POST = do_GET = do_PUT = do_DELETE = do_PATCH = _handle
    do_HEAD = _handle

    def do_CONNECT(self):
        """Act as an HTTPS forward proxy: log the CONNECT, then tunnel bytes."""
        host, _, port = self.path.rpartition(":")
        self._log("", self.path, b"", "proxy")
        r = self._next_response()
        if "connect_status" in r:
            self._send(r["connect_status"], r.get("headers", {}), b"")
            return
        try:
            upstream = socket.create_connection((host, int(port)), timeout=10)
        except OSError:
            self.send_error(502)
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        self.close_connection = True
        peers = {self.connection: upstream, upstream: self.connection}
        try:
            while True:
                ready, _, _ = select.select(list(peers), [], [], 10)
                if not ready:
                    return
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    peers[s].sendall(data)
        except OSError:
            pass
        finally:
            upstream.close()


class ApiTests:
    """The api command's endpoints, GET/POST/... /t/NAME?QUERY:

    echo[?sleep=S]  200 {"method", "path", "query"}, after S seconds
    json            200 {"hello": "world", "n": [1, 2, 3]}
    whoami          200 {"authorization": the request's Authorization header}
    big?bytes=N     200 N bytes of application/octet-stream, in 64 KiB writes
                    (&chunked=1: with chunked encoding)
    stall?bytes=N&sleep=S   N/2 bytes, then nothing for S seconds, then the rest
    redirect?to=URL&code=C  C (default 302) to URL (default: itself)
    status?code=C[&kind=problem|title|detail|oauth|text][&retry_after=S]
                    C with an RFC 9457 problem (title and detail, or one alone), an OAuth error or plain text
    flaky?fail=K&code=C[&retry_after=S]  the first K requests to this
                    path and query answer C (0: close the connection unanswered), then 200 {"ok": true}
    pages?total=N[&loop=1]  page i of a list: {"items": [...], "nextPage"};
                    loop=1 gives the same cursor every time; total=0: never ends
    Each request is logged in LOG.t: method, path, query, headers, body (base64).
    """

    counts = {}
    lock = threading.Lock()

    @staticmethod
    def read_body(h):
        if (h.headers.get("Transfer-Encoding") or "").lower() == "chunked":
            out = b""
            while True:
                size = int(h.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    while h.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += h.rfile.read(size)
                h.rfile.readline()
        n = int(h.headers.get("Content-Length") or 0)
        return h.rfile.read(n) if n > 0 else b""

    @staticmethod
    def handle(h):
        import base64
        from urllib.parse import parse_qs
        body = ApiTests.read_body(h)
        u = urlsplit(h.path)
        q = {k: v[-1] for k, v in parse_qs(u.query).items()}
        with h.server.lock:
            with open(h.server.log_path + ".t" if h.server.api_log else os.devnull, "a") as f:
                f.write(json.dumps({
                    "method": h.command, "path": u.path, "query": u.query,
                    "headers": {k.lower(): v for k, v in h.headers.items()},
                    "body": base64.b64encode(body).decode(), "time": time.time()}) + "\n")
        name = u.path[3:]

        def send(status, obj=None, ctype="application/json", extra=None, raw=None):
            payload = raw if raw is not None else json.dumps(obj).encode()
            h.send_response(status)
            h.send_header("Content-Type", ctype)
            for k, v in (extra or {}).items():
                h.send_header(k, v)
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            if h.command != "HEAD":
                h.wfile.write(payload)

        def failure(code, kind, extra):
            if kind == "oauth":
                send(code, {"error": "invalid_token", "error_description": "the token is bad"},
                     extra=extra)
            elif kind == "text":
                send(code, ctype="text/html", raw=b"<html>nope</html>", extra=extra)
            elif kind in ("title", "detail"):
                # a problem with one of the two members alone
                send(code, {"status": code, kind: "only the %s" % kind},
                     ctype="application/problem+json", extra=extra)
            else:
                send(code, {"type": "https://fake-nitro.invalid/problems/test",
                            "title": "Test Problem", "status": code,
                            "detail": "the test asked for %d" % code},
                     ctype="application/problem+json", extra=extra)

        try:
            if name == "echo":
                time.sleep(float(q.get("sleep", "0")))
                send(200, {"method": h.command, "path": u.path, "query": u.query})
            elif name == "whoami":
                send(200, {"authorization": h.headers.get("Authorization")})
            elif name == "json":
                send(200, {"hello": "world", "n": [1, 2, 3]})
            elif name in ("big", "stall"):
                total = int(q.get("bytes", "0"))
                chunked = q.get("chunked") == "1"
                h.send_response(200)
                h.send_header("Content-Type", "application/octet-stream")
                if chunked:
                    h.send_header("Transfer-Encoding", "chunked")
                else:
                    h.send_header("Content-Length", str(total))
                h.end_headers()
                piece = b"0123456789abcdef" * 4096
                sent = 0
                while sent < total:
                    if name == "stall" and sent >= total // 2:
                        time.sleep(float(q.get("sleep", "5")))
                        name = "big"
                    chunk = piece[:min(len(piece), total - sent)]
                    if chunked:
                        h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    else:
                        h.wfile.write(chunk)
                    sent += len(chunk)
                    if q.get("pace"):
                        time.sleep(float(q["pace"]))
                if chunked:
                    h.wfile.write(b"0\r\n\r\n")
                h.close_connection = True
            elif name == "redirect":
                send(int(q.get("code", "302")), {}, extra={"Location": q.get("to", u.path)})
            elif name == "status":
                extra = {"Retry-After": q["retry_after"]} if "retry_after" in q else {}
                failure(int(q["code"]), q.get("kind", "problem"), extra)
            elif name == "flaky":
                with ApiTests.lock:
                    n = ApiTests.counts.get(h.path, 0)
                    ApiTests.counts[h.path] = n + 1
                if n < int(q.get("fail", "1")) and q.get("code") == "0":
                    h.close_connection = True  # no answer at all
                elif n < int(q.get("fail", "1")):
                    extra = {"Retry-After": q["retry_after"]} if "retry_after" in q else {}
                    failure(int(q.get("code", "429")), "problem", extra)
                else:
                    send(200, {"ok": True, "attempt": n + 1})
            elif name == "pages":
                total = int(q.get("total", "3"))
                at = int((q.get("pageAfter") or "c0")[1:])
                page = {"items": [{"id": at * 2 + 1}, {"id": at * 2 + 2}]}
                if q.get("loop") == "1":
                    page["nextPage"] = "c1"
                elif total == 0 or at + 1 < total:
                    page["nextPage"] = "c%d" % (at + 1)
                send(200, page)
            else:
                failure(404, "problem", {})
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True


def parse_args(argv=None):
    """The command line: every flag optional; with none, a token server on a
    port the OS picks, its base URL printed on stdout."""
    ap = argparse.ArgumentParser(
        description="A fake Nitro Sign token endpoint (POST /oauth/token) on "
        "127.0.0.1, for the test suite and for trying nitro-token by hand.",
        epilog="Example: %(prog)s --port 8080, then "
        "nitro-token --base-url http://127.0.0.1:8080 --client-id any "
        "--client-secret-file FILE.  The answers file is a JSON list; see the "
        "top of this file for the keys an item may have.")
    ap.add_argument("--port", type=int, default=0, metavar="N",
                    help="port to listen on (default 0: one the OS picks)")
    ap.add_argument("--port-file", metavar="FILE",
                    help="write the port to FILE once listening (default: "
                    "print the base URL on stdout)")
    ap.add_argument("--log", metavar="FILE", default=os.devnull,
                    help="append each request to FILE as a JSON line "
                    "(default: log nothing)")
    # "" opens as a missing file: the built-in answer
    ap.add_argument("--responses", metavar="FILE", default="",
                    help="what to answer: a JSON list read at each request, "
                    "the n-th item for the n-th request (default: a valid "
                    "token answer every time)")
    ap.add_argument("--cert", metavar="PEM",
                    help="serve HTTPS with this certificate (and --key)")
    ap.add_argument("--key", metavar="PEM",
                    help="the private key of --cert")
    a = ap.parse_args(argv)
    if bool(a.cert) != bool(a.key):
        ap.error("--cert and --key go together")
    return a


def main():
    a = parse_args()

    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    srv.lock = threading.Lock()
    srv.count = 0
    srv.issued = {}  # token -> time.time() it expires, or None
    srv.revoked = set()
    srv.log_path = a.log
    # by hand, with no --log: nothing is logged, the API sides' logs included
    srv.api_log = a.log != os.devnull
    srv.responses_path = a.responses
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    open(a.log, "a").close()
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(srv.server_address[1]))
        os.rename(tmp, a.port_file)
    else:
        scheme = "https" if a.cert else "http"
        print("%s://127.0.0.1:%d" % (scheme, srv.server_address[1]), flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
