#!/usr/bin/env python3
"""An independent implementation of fairlisten-lottery-v2 (docs/compliance/algorithm-v2.md), written
from the published text only, in another language: it prints the known-answer vectors that
test/support/fair-lottery-v2-vectors.json holds and test/lambda/core/fair-lottery.test.ts checks
the TypeScript core against. Python floats are IEEE-754 doubles, so the values must agree bit for bit.

Run: python3 scripts/fair-lottery-v2-reference.py > test/support/fair-lottery-v2-vectors.json
"""
import calendar
import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Paris")
SEED = bytes(range(32))
RATE, MAX = 0.2, 8
PRIOR_FACTOR, PRIOR_WEIGHT, MARGIN = 3, 0.04, 1.1
WEEKDAY_WEIGHT, WEEKEND_WEIGHT = 10, 1


def draw(key: str) -> float:
    x = int.from_bytes(hmac.new(SEED, key.encode("utf-8"), hashlib.sha256).digest()[:8], "big")
    return (x >> 11) / 2**53


def ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def working_fraction(t_ms: int) -> float:
    local = datetime.fromtimestamp(t_ms / 1000, tz=timezone.utc).astimezone(TZ)
    y, m = local.year, local.month
    days = calendar.monthrange(y, m)[1]
    starts = [ms(datetime(y, m, d, tzinfo=TZ)) for d in range(1, days + 1)]
    ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
    end = ms(datetime(ny, nm, 1, tzinfo=TZ))
    weight = [WEEKEND_WEIGHT if datetime(y, m, d).weekday() >= 5 else WEEKDAY_WEIGHT for d in range(1, days + 1)]
    lengths = [(starts[i + 1] if i + 1 < days else end) - starts[i] for i in range(days)]
    today = local.day - 1
    before = sum(weight[i] * lengths[i] for i in range(today))
    total = sum(weight[i] * lengths[i] for i in range(days))
    return (before + weight[today] * (t_ms - starts[today])) / total


def probability(n: int, k: int, g: float) -> float:
    if k >= MAX:
        return 0.0
    n0 = (PRIOR_FACTOR * MAX) / RATE
    lam = ((n - 1) + PRIOR_WEIGHT * n0) / (g + PRIOR_WEIGHT)
    e = 1 + MARGIN * lam * (1 - g)
    return min(RATE, (MAX - k) / e)


def vector(contact_id: str, at: str, n: int, k: int) -> dict:
    t = ms(datetime.fromisoformat(at.replace("Z", "+00:00")))
    u, g = draw(contact_id), working_fraction(t)
    p = probability(n, k, g)
    reason = "agent-cap-reached" if k >= MAX else ("drawn" if u < p else "not-drawn")
    return {"contactId": contact_id, "at": at, "callIndex": n, "recordedBefore": k,
            "u": u, "g": g, "probability": p, "reason": reason}


CASES = [
    # the first millisecond of the period; a Wednesday morning; a Saturday; the last minute
    ("00000000-0000-4000-8000-000000000001", "2026-11-30T23:00:00.000Z", 1, 0),
    ("00000000-0000-4000-8000-000000000002", "2026-12-16T09:30:00.000Z", 61, 4),
    ("00000000-0000-4000-8000-000000000003", "2026-12-19T14:00:00.000Z", 90, 5),
    ("00000000-0000-4000-8000-000000000004", "2026-12-31T22:59:00.000Z", 300, 7),
    ("00000000-0000-4000-8000-000000000005", "2026-12-02T08:00:00.000Z", 3, 0),
    ("00000000-0000-4000-8000-000000000006", "2026-12-10T17:45:12.345Z", 200, 8),
    ("00000000-0000-4000-8000-000000000007", "2026-12-23T11:00:00.000Z", 11, 0),
    # March 2026 in Paris: 743 hours, the 29th lasts 23 hours (a Sunday)
    ("00000000-0000-4000-8000-000000000008", "2026-03-29T12:00:00.000Z", 50, 3),
    ("00000000-0000-4000-8000-000000000009", "2026-03-30T06:00:00.000Z", 51, 3),
    # October 2026: 745 hours, the 25th lasts 25 hours (a Sunday)
    ("00000000-0000-4000-8000-00000000000a", "2026-10-26T07:00:00.000Z", 120, 6),
]
# Contacts whose draw falls below their probability, so the vectors also cover reason "drawn".
for i in range(1, 4000):
    cid = f"10000000-0000-4000-8000-{i:012x}"
    v = vector(cid, "2026-12-09T10:00:00.000Z", 20, 1)
    if v["reason"] == "drawn":
        CASES.append((cid, "2026-12-09T10:00:00.000Z", 20, 1))
        break

print(json.dumps({"seed": SEED.hex(), "samplingRate": RATE, "maxRecordingsPerAgentPerMonth": MAX,
                  "timezone": "Europe/Paris", "vectors": [vector(*c) for c in CASES]}, indent=2))
