#!/usr/bin/python3
"""A stand-in for `bgpwatch collect` that says what a test tells it to: a
collector whose clock runs ahead, one that sends malformed JSON, an
attacker on the path. Usage: fake_collector.py PORTFILE TEMPLATE.json

Serves GET /v1/sessions (any query) with TEMPLATE, in which every string
"@now", "@now+N" or "@now-N" becomes the RFC 3339 time N seconds from the
moment of the request. Writes the port it listens on (127.0.0.1, chosen by
the kernel) to PORTFILE. Runs until killed."""
import datetime
import http.server
import json
import sys


def stamp(value):
    if isinstance(value, str) and value.startswith("@now"):
        offset = float(value[4:] or 0)
        t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, list):
        return [stamp(v) for v in value]
    if isinstance(value, dict):
        return {k: stamp(v) for k, v in value.items()}
    return value


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(sys.argv[2]) as f:
            body = json.dumps(stamp(json.load(f))).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os  # noqa: E402
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
