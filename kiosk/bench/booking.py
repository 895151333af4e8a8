"""The booking API's speed on loopback: `POST /api/bookings` from a few keep-alive clients at once
against the real server (uvicorn in this process, on 127.0.0.1 and a free port) over a fresh SQLite
store in a scratch folder under the data folder (removed afterwards). Bounded in requests and time.

    run_benchmark("var") -> {"booking_req_per_s": ..., "booking_p99_ms": ..., "booking_p50_ms": ...,
                             "booking_requests": ..., "booking_errors": ...}
"""
from __future__ import annotations

import http.client
import json
import shutil
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

CLIENTS = 8
REQUESTS = 1200
MAX_SECONDS = 20.0


def run_benchmark(data_dir: Path | str = "var", requests: int = REQUESTS, clients: int = CLIENTS,
                  max_seconds: float = MAX_SECONDS) -> dict[str, Any]:
    from kiosk.schedule.server import ServerThread
    from kiosk.schedule.web import create_app

    Path(data_dir).mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="bench-booking-", dir=data_dir))
    try:
        days = 60
        (scratch / "hall.json").write_text(json.dumps({
            "open_weekdays": [1, 2, 3, 4, 5, 6, 7], "capacity": 100_000, "max_class_size": 60, "lead_days": 1,
            "horizon_days": days + 5,
            # one client address and one phone make every booking: the abuse limits would stop it
            "bookings_per_address": 1_000_000, "open_requests_per_phone": 1_000_000}), encoding="utf-8")
        app = create_app(scratch, content_dir=None)
        first = (datetime.now() + timedelta(days=2)).date()
        slots = [f"{first + timedelta(days=d)}T{t}" for d in range(days) for t in ("09:00", "10:30", "12:00",
                                                                                 "13:30", "15:00")]
        latencies: list[float] = []
        errors = [0]
        lock = threading.Lock()
        counter = iter(range(requests))
        deadline = time.perf_counter() + max_seconds
        with ServerThread(app) as server:
            def client() -> None:
                conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
                mine: list[float] = []
                bad = 0
                while time.perf_counter() < deadline:
                    with lock:
                        i = next(counter, None)
                    if i is None:
                        break
                    body = json.dumps({"slot_id": slots[i % len(slots)], "school": f"第{i}小学", "class_name": "五年级二班",
                                       "grade": 5, "students": 30, "teacher": "王老师",
                                       "phone": "13912345678"}).encode()
                    began = time.perf_counter()
                    try:
                        conn.request("POST", "/api/bookings", body, {"content-type": "application/json"})
                        resp = conn.getresponse()
                        resp.read()
                        ok = resp.status == 201
                    except (OSError, http.client.HTTPException):
                        conn.close()
                        conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
                        ok = False
                    mine.append(time.perf_counter() - began)
                    bad += 0 if ok else 1
                conn.close()
                with lock:
                    latencies.extend(mine)
                    errors[0] += bad

            began = time.perf_counter()
            threads = [threading.Thread(target=client, name=f"bench-client-{n}") for n in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(max_seconds + 30)
            elapsed = time.perf_counter() - began
        app.state.store.close()
        ordered = sorted(latencies)

        def pct(q: float) -> float:
            return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2) if ordered else 0.0

        return {"booking_req_per_s": round(len(ordered) / elapsed, 1) if elapsed > 0 else 0.0,
                "booking_p50_ms": pct(0.50), "booking_p99_ms": pct(0.99), "booking_requests": len(ordered),
                "booking_errors": errors[0], "booking_clients": clients}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    import sys

    print(json.dumps(run_benchmark(sys.argv[1] if len(sys.argv) > 1 else "var")))
