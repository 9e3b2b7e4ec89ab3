#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A stand-in Hugging Face Hub on loopback, for ckptlint's remote tests and benches.

Serves ROOT/<org>/<repo>/... as repositories (revision "main" only):
  GET /api/models/<org>/<repo>/revision/main   {"siblings": [{"rfilename": ...}, ...]}
  GET /<org>/<repo>/resolve/main/<path>        the file (Range supported); .safetensors files
                                               answer 302 to the CDN server, on another host
CDN (a second server, reached as "localhost": another host name, so another origin):
  GET /cdn/<org>/<repo>/<path>                 the file, Range supported
Both: GET /_stats -> {"requests", "bytes", "largest_body", "auth_on_cdn"}; /_stats?reset zeroes them.

Repositories of an org whose name starts with "private" need "Authorization: Bearer TOKEN"
(--token). The org "hostile" misbehaves by repository name, on its .safetensors files:
ignore-range (200 with the whole file), wrong-range (a Content-Range for other bytes),
short-body (announces more than it sends), endless (a body without end), redirect-loop,
huge-length (a 100 GB Content-Length on config.json), drip (one byte a second); on its
listing: nested-listing (32 MiB of nested '['), many-files (400,000 shard names besides the
repository's files); and slow (every answer half a second late: many shards outlast a run).

Prints "HUB <url>" and "CDN <url>" on stdout once both listen, then serves until killed.
"""
import argparse
import json
import os
import re
import sys
import threading
import time
from urllib.parse import quote, unquote
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATS = {"requests": 0, "bytes": 0, "largest_body": 0, "auth_on_cdn": 0}
LOCK = threading.Lock()


def count(body_bytes, cdn_auth=False):
    with LOCK:
        STATS["requests"] += 1
        STATS["bytes"] += body_bytes
        STATS["largest_body"] = max(STATS["largest_body"], body_bytes)
        if cdn_auth:
            STATS["auth_on_cdn"] += 1


def repo_files(repo_dir):
    out = []
    for base, _dirs, files in os.walk(repo_dir):
        for f in files:
            full = os.path.join(base, f)
            if os.path.isfile(full):  # regular files only: no FIFOs, no dangling links
                out.append(os.path.relpath(full, repo_dir))
    return sorted(out)


def make_handler(root, token, cdn_url, is_cdn):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed-ACK stalls

        def log_message(self, *args):
            pass

        def send_body(self, status, body, content_type="application/json", extra=None):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
            count(len(body), is_cdn and "Authorization" in self.headers)

        def error(self, status, message):
            self.send_body(status, json.dumps({"error": message}).encode())

        def authorized(self, org):
            if not org.startswith("private"):
                return True
            return self.headers.get("Authorization") == "Bearer " + token

        def serve_file(self, path, mode=""):
            size = os.path.getsize(path)
            rng = self.headers.get("Range")
            if mode == "huge-length":
                self.send_response(200)
                self.send_header("Content-Length", str(100 * 10**9))
                self.end_headers()
                self.wfile.write(b"{" * 1024)
                self.wfile.flush()
                time.sleep(30)
                return
            if rng is None or mode == "ignore-range":
                with open(path, "rb") as f:
                    self.send_response(200)
                    self.send_header("Content-Length", str(size))
                    self.end_headers()
                    sent = 0
                    while sent < size:
                        chunk = f.read(min(1 << 20, size - sent)) or b"\0" * min(1 << 20, size - sent)
                        try:
                            self.wfile.write(chunk)
                        except OSError:
                            break
                        sent += len(chunk)
                    count(sent, is_cdn and "Authorization" in self.headers)
                return
            m = re.fullmatch(r"bytes=(\d+)-(\d+)", rng)
            if not m:
                self.error(400, "bad range")
                return
            a, b = int(m.group(1)), int(m.group(2))
            if a >= size:
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % size)
                self.send_header("Content-Length", "0")
                self.end_headers()
                count(0)
                return
            b = min(b, size - 1)
            with open(path, "rb") as f:
                f.seek(a)
                body = f.read(b - a + 1)
            body += b"\0" * (b - a + 1 - len(body))
            if mode == "endless":
                self.send_response(206)
                self.send_header("Content-Range", "bytes %d-%d/%d" % (a, b, size))
                self.end_headers()  # no length: the body never ends
                try:
                    while True:
                        self.wfile.write(b"\0" * 65536)
                except OSError:
                    return
            if mode == "drip":
                self.send_response(206)
                self.send_header("Content-Range", "bytes %d-%d/%d" % (a, b, size))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    for byte in body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(1)
                except OSError:
                    pass
                return
            content_range = "bytes %d-%d/%d" % (a, b, size)
            length = len(body)
            if mode == "wrong-range":
                content_range = "bytes %d-%d/%d" % (a + 100, b + 100, size + 100)
            if mode == "short-body":
                body = body[: len(body) // 2]
            self.send_response(206)
            self.send_header("Content-Range", content_range)
            self.send_header("Content-Length", str(length))
            self.end_headers()
            try:
                self.wfile.write(body)
            except OSError:
                pass
            if mode == "short-body":
                self.close_connection = True
            count(len(body), is_cdn and "Authorization" in self.headers)

        def do_GET(self):
            if self.path in ("/_stats", "/_stats?reset"):
                with LOCK:
                    body = json.dumps(STATS).encode()
                    if self.path.endswith("?reset"):
                        for k in STATS:
                            STATS[k] = 0
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            parts = unquote(self.path.split("?")[0]).split("/")
            if "hostile" in parts and "slow" in parts:
                time.sleep(0.5)
            if is_cdn:
                # /cdn/<org>/<repo>/<path>
                if len(parts) < 5 or parts[1] != "cdn":
                    return self.error(404, "no route")
                org, repo, rel = parts[2], parts[3], "/".join(parts[4:])
                path = os.path.join(root, org, repo, rel)
                if ".." in parts or not os.path.isfile(path):
                    return self.error(404, "no such file")
                mode = repo if org == "hostile" and repo != "huge-length" else ""  # that one is config.json's
                return self.serve_file(path, mode)
            # /api/models/<org>/<repo>/revision/<rev>
            if len(parts) == 7 and parts[1] == "api" and parts[2] == "models" and parts[5] == "revision":
                org, repo, rev = parts[3], parts[4], parts[6]
                repo_dir = os.path.join(root, org, repo)
                if not self.authorized(org):
                    return self.error(401, "Invalid credentials in Authorization header")
                if ".." in parts or not os.path.isdir(repo_dir):
                    return self.error(404, "Repository not found")
                if rev != "main":
                    return self.error(404, "Invalid rev id: " + rev)
                if org == "hostile" and repo == "nested-listing":
                    head = b'{"siblings":'
                    return self.send_body(200, head + b"[" * (32 * 2**20 - len(head)))
                siblings = [{"rfilename": f} for f in repo_files(repo_dir)]
                if org == "hostile" and repo == "many-files":
                    siblings += [{"rfilename": "model-%06d-of-400000.safetensors" % (i + 1)} for i in range(400000)]
                return self.send_body(200, json.dumps({"id": org + "/" + repo, "sha": "0" * 40, "siblings": siblings}).encode())
            # /<org>/<repo>/resolve/<rev>/<path>
            if len(parts) >= 6 and parts[3] == "resolve":
                org, repo, rev, rel = parts[1], parts[2], parts[4], "/".join(parts[5:])
                if not self.authorized(org):
                    return self.error(401, "Invalid credentials in Authorization header")
                path = os.path.join(root, org, repo, rel)
                if ".." in parts or rev != "main" or not os.path.isfile(path):
                    return self.error(404, "Entry not found")
                mode = repo if org == "hostile" else ""
                if mode == "redirect-loop":
                    self.send_response(302)
                    self.send_header("Location", self.path)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    count(0)
                    return
                if rel.endswith(".safetensors"):
                    self.send_response(302)
                    self.send_header("Location", "%s/cdn/%s/%s/%s" % (cdn_url, org, repo, quote(rel)))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    count(0)
                    return
                return self.serve_file(path, mode if mode == "huge-length" and rel == "config.json" else "")
            return self.error(404, "no route")

    return Handler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--token", default="hub-test-token")
    args = ap.parse_args()
    # Another origin on loopback that every system has (macOS has no 127.0.0.2): the name.
    cdn = ThreadingHTTPServer(("127.0.0.1", 0), None)
    cdn_url = "http://localhost:%d" % cdn.server_address[1]
    cdn.RequestHandlerClass = make_handler(args.root, args.token, cdn_url, True)
    hub = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(args.root, args.token, cdn_url, False))
    for server in (hub, cdn):
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print("HUB http://127.0.0.1:%d" % hub.server_address[1])
    print("CDN " + cdn_url, flush=True)
    try:
        sys.stdin.read()  # until the test closes the pipe (or kills us)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
