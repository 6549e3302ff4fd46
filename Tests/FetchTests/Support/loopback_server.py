"""HTTP server on 127.0.0.1 for FetchTests; prints its port, exits when stdin closes.

Routes (any leading segments before the keyword are ignored, so mirror
prefixes like /debian or /gnu can be put in front):
  .../echo/TEXT              200, body TEXT
  .../redirect/CODE/REST     CODE with Location: /REST
  .../loop/a, .../loop/b     302 to each other
  .../status/CODE            CODE, short body
  .../flaky/KEY/N/TEXT       500 for the first N requests of KEY, then TEXT
  .../fail/KEY/CODE          CODE, counted under KEY
  .../count/KEY              how many requests KEY has seen
  .../large/SIZE             SIZE bytes of the 64 KiB block bytes(range(256))*256, streamed
  .../stall/SECONDS          announces 10 bytes, sends 3, then says nothing for SECONDS
  .../cas/ALGO/HEX           the body of CAS_BODY when HEX is its ALGO digest, else 404
"""
import hashlib
import http.server
import os
import sys
import threading
import time

CAS_BODY = b"content-addressed payload\n"
counters = {}
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self, data, status=200):
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def redirect(self, status, location):
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        parts = self.path.split("?")[0].strip("/").split("/")
        keywords = ("echo", "redirect", "loop", "status", "fail", "flaky", "count", "large", "stall", "cas")
        start = next((i for i, p in enumerate(parts) if p in keywords), None)
        if start is None:
            return self.body(b"no route\n", 404)
        kind, args = parts[start], parts[start + 1:]
        if kind == "echo":
            return self.body("/".join(args).encode())
        if kind == "redirect":
            return self.redirect(int(args[0]), "/" + "/".join(args[1:]))
        if kind == "loop":
            return self.redirect(302, "/loop/b" if args[0] == "a" else "/loop/a")
        if kind == "status":
            return self.body(b"status\n", int(args[0]))
        if kind == "fail":
            with lock:
                counters[args[0]] = counters.get(args[0], 0) + 1
            return self.body(b"failed\n", int(args[1]))
        if kind == "flaky":
            key, failures = args[0], int(args[1])
            with lock:
                counters[key] = counters.get(key, 0) + 1
                count = counters[key]
            if count <= failures:
                return self.body(b"try again\n", 500)
            return self.body("/".join(args[2:]).encode())
        if kind == "count":
            with lock:
                return self.body(str(counters.get(args[0], 0)).encode())
        if kind == "large":
            size = int(args[0])
            block = bytes(range(256)) * 256
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            sent = 0
            while sent < size:
                piece = block[: min(len(block), size - sent)]
                self.wfile.write(piece)
                sent += len(piece)
            return
        if kind == "stall":
            self.send_response(200)
            self.send_header("Content-Length", "10")
            self.end_headers()
            self.wfile.write(b"abc")
            self.wfile.flush()
            time.sleep(float(args[0]))
            self.close_connection = True
            return
        if kind == "cas":
            if hashlib.new(args[0], CAS_BODY).hexdigest() == args[1]:
                return self.body(CAS_BODY)
            return self.body(b"unknown hash\n", 404)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
os._exit(0)
