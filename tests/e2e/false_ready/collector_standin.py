#!/usr/bin/python3
"""A stand-in for `bgpwatch collect` in the false-READY corpus (not a case).

    collector_standin.py REPLY_FILE

Serves REPLY_FILE's bytes, as they are (re-read on every request, so a case
can change them between runs), with Content-Type application/json, for every
GET on 127.0.0.1 (ephemeral port): /v1/sessions?router=... and anything else.
A case writes what a real collector would not (stale polled_at, an Unknown
state, a wrong JSON type, a clock from the future) and checks that bgpwatch
--collector does not say READY. Prints "READY <port>" once listening, logs
each request line to REPLY_FILE.requests, exits when stdin closes.
"""
import http.server
import sys
import threading


def main():
    reply_file = sys.argv[1]
    log = open(reply_file + ".requests", "a", buffering=1)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def do_GET(self):
            log.write(self.path + "\n")
            with open(reply_file, "rb") as f:
                body = f.read()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"READY {server.server_address[1]}", flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
