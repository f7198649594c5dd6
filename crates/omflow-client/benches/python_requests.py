"""The seed's approach done fairly: one requests.Session, JSON bodies, 1,000 list calls.

Prints the loop's wall time and this process's own CPU time (user + system)."""
import json, sys, time
import requests

url, calls = sys.argv[1], int(sys.argv[2])
session = requests.Session()
token = session.get(url + "/accounts/api/security/get/", auth=("admin", "admin")).json()["result"]["security"]
body = {"security": token, "omflow_restapi": 1, "search_columns": [], "search_conditions": [],
        "exclude_conditions": [], "order_columns": [], "limit": 100, "start": 0}
for _ in range(20):  # warm-up, as the Rust side has
    session.post(url + "/rest/my-mission/api/my-mission/list/", json=body).json()
started, cpu_started = time.perf_counter(), time.process_time()
for _ in range(calls):
    rows = session.post(url + "/rest/my-mission/api/my-mission/list/", json=body).json()["result"]
    assert len(rows) == 100
print(json.dumps({"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu_started}))
