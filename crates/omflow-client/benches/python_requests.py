"""The seed's approach done fairly: one requests.Session, JSON bodies, 1,000 list calls."""
import json, sys, time
import requests

url, calls = sys.argv[1], int(sys.argv[2])
session = requests.Session()
token = session.get(url + "/accounts/api/security/get/", auth=("admin", "admin")).json()["result"]["security"]
body = {"security": token, "omflow_restapi": 1, "search_columns": [], "search_conditions": [],
        "exclude_conditions": [], "order_columns": [], "limit": 100, "start": 0}
started = time.perf_counter()
for _ in range(calls):
    rows = session.post(url + "/rest/my-mission/api/my-mission/list/", json=body).json()["result"]
    assert len(rows) == 100
print(json.dumps({"seconds": time.perf_counter() - started}))
