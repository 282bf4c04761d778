"""A local HTTP server on 127.0.0.1 that answers like a bureau, and misbehaves on purpose.

Each path under ``/companies/`` picks a behaviour (see ``_ANSWERS`` and ``_Handler``);
the server runs in a daemon thread for the test session's module and is shut down after.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

# A Creditsafe Connect company report, reduced to the fields the shipped mapping reads.
# The shape follows the Creditsafe Connect documentation of GET /companies/{connectId}
# (https://doc.creditsafe.com/connect-apis-catalog/product-catalog/creditrisk); the
# figures are invented.
CREDITSAFE_REPORT = {
    "correlationId": "0f3c",
    "report": {
        "companyId": "GB-0-01234567",
        "companySummary": {"businessName": "Example Trading Ltd", "country": "GB"},
        "creditScore": {
            "currentCreditRating": {
                "commonValue": "C",
                "commonDescription": "Moderate Risk",
                "creditLimit": {"currency": "GBP", "value": 12500},
                "providerValue": {"maxValue": "100", "minValue": "1", "value": "42"},
                "providerDescription": "Moderate Risk",
            },
        },
    },
}

_ANSWERS: dict[str, tuple[int, dict[str, str], bytes]] = {
    "GOOD": (200, {}, json.dumps(CREDITSAFE_REPORT).encode()),
    "LIMITED": (429, {"Retry-After": "7"}, b'{"message": "too many requests"}'),
    "LIMITED-DATE": (429, {"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}, b""),
    "BROKEN": (500, {}, b'{"message": "internal error"}'),
    "UNAVAILABLE": (503, {}, b""),
    "FORBIDDEN": (403, {}, b'{"message": "not entitled"}'),
    "GARBAGE": (200, {}, b"<html>maintenance</html>"),
    "TRUNCATED": (200, {}, json.dumps(CREDITSAFE_REPORT).encode()[:57]),
    "EMPTY": (200, {}, b"{}"),
    "LIST": (200, {}, b"[1, 2]"),
    "NAN": (
        200,
        {},
        b'{"report": {"creditScore": {"currentCreditRating": {"providerValue": {"value": NaN}}}}}',
    ),
    "WRONG-TYPE": (
        200,
        {},
        b'{"report": {"creditScore": {"currentCreditRating": {"commonValue": {"grade": "C"}}}}}',
    ),
    "NOT-RATED": (
        200,
        {},
        json.dumps(
            {
                "report": {
                    "creditScore": {
                        "currentCreditRating": {
                            "commonValue": "E",
                            "providerValue": {"value": "Not Rated"},
                            "creditLimit": {"value": "Credit Limit not applicable"},
                        }
                    }
                }
            }
        ).encode(),
    ),
}

SLOW_SECONDS = 3.0


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        subject = self.path.split("?")[0].rsplit("/", 1)[-1]
        if subject == "SLOW":  # says nothing for longer than any test's timeout
            time.sleep(SLOW_SECONDS)
            self._send(200, {}, json.dumps(CREDITSAFE_REPORT).encode())
            return
        if subject == "DRIP":  # headers at once, then the body a byte at a time
            body = json.dumps(CREDITSAFE_REPORT).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for byte in body[:40]:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass
            return
        if subject == "CUT":  # promises more than it sends, then hangs up
            body = json.dumps(CREDITSAFE_REPORT).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:30])
            self.wfile.flush()
            self.close_connection = True
            return
        status, headers, body = _ANSWERS.get(subject, (404, {}, b'{"message": "not found"}'))
        self._send(status, headers, body)

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass


class BureauServer(ThreadingHTTPServer):
    daemon_threads = True
    requests: list[str]


@pytest.fixture(scope="module")
def bureau_server() -> Iterator[BureauServer]:
    server = BureauServer(("127.0.0.1", 0), _Handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def base_url(bureau_server: BureauServer) -> str:
    host, port = bureau_server.server_address[:2]
    return f"http://{host}:{port}"
