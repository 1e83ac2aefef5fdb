"""The public names other parts of the program build on exist and work end to end."""

from phonon_desktop.kairos.client import Client
from phonon_desktop.kairos.interpret import Delivery, Outcome
from phonon_desktop.kairos.ratelimit import DEFAULT_LIMITS, RateLimiter
from phonon_desktop.kairos.statuses import ACCEPTED_202, STATUSES

from kairos_helpers import body_of, make_call


def test_status_table_has_the_22_documented_codes():
    assert len(STATUSES) == 22
    assert ACCEPTED_202.code == 202 and ACCEPTED_202.message == "Accepted"
    assert STATUSES[202].name == "INVALID_SECURITY_ID"


def test_a_request_to_the_sandbox_is_accepted_with_one_uuid_per_call(sandbox):
    with Client(sandbox.url) as client:
        answer = client.post(body_of([make_call("C1"), make_call("C2")]))
    assert answer.outcome is Outcome.ACCEPTED and answer.delivery is Delivery.ANSWERED
    assert set(answer.accepted) == {"C1", "C2"}
    assert len(set(answer.accepted.values())) == 2
    assert sandbox.accepted_client_ids() == ["C1", "C2"]


def test_limiter_defaults():
    assert DEFAULT_LIMITS == {"realtime": 500, "bulk": 30_000}
    now = [0.0]
    limiter = RateLimiter(500, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    assert limiter.acquire(500) and limiter.wait_time(1) == 60.0
