"""Schemathesis hooks for the fake OMFLOW server.

Every `/rest/` body carries a security code. A generated code is refused before the view
runs, so the views themselves would never be reached; these hooks put a real code (of the
user in OMFLOW_ST_USER / OMFLOW_ST_PASSWORD, the demo seed's ordinary approver `alice` by
default) into each body that has a `security` field, fetched once and again when it may
have expired.
"""
import base64
import json
import os
import time
import urllib.request

import schemathesis

_BASE = os.environ["OMFLOW_ST_BASE"].rstrip("/")
_USER = os.environ.get("OMFLOW_ST_USER", "alice")
_PASSWORD = os.environ.get("OMFLOW_ST_PASSWORD", "alice-pass")
_cache = {"code": None, "at": 0.0}


def _security_code():
    # The fake's codes slide five minutes; fetch a new one well before that.
    if _cache["code"] is None or time.monotonic() - _cache["at"] > 120:
        credentials = base64.b64encode(f"{_USER}:{_PASSWORD}".encode()).decode()
        request = urllib.request.Request(
            f"{_BASE}/accounts/api/security/get/",
            headers={"Authorization": f"Basic {credentials}"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            envelope = json.load(answer)
        if envelope.get("status") != 200:
            raise RuntimeError(f"login as {_USER} failed: {envelope}")
        _cache["code"] = envelope["result"]["security"]
        _cache["at"] = time.monotonic()
    return _cache["code"]


@schemathesis.hook
def map_body(ctx, body):
    if isinstance(body, dict) and "security" in body:
        body["security"] = _security_code()
    return body
