"""The send loop's rules, with a scripted client (the sandbox tests use real sockets)."""

from __future__ import annotations

import json
import threading

import pytest

from phonon_desktop.campaign.journal import Journal, RowStatus
from phonon_desktop.campaign.send import FlowTarget, Submission, SubmissionLocked
from test_send_kit import CANARY, DROP, FLOW, REFUSED, ScriptedClient, SimpleMapping, SimplePlan, code, contact_sheet, ok


def target() -> FlowTarget:
    return FlowTarget(flow_id=FLOW, security_id=CANARY, url="http://127.0.0.1:9/x")


def no_sleep(_s: float) -> None:
    pass


def run(plan, journal, client, **kw):
    sub = Submission.prepare(plan, target(), journal, **kw)
    results = list(sub.run(client, None, sleep=no_sleep))
    return sub, results


def sent_ids(client: ScriptedClient) -> list[list[str]]:
    return [[c["client-identifier"] for c in json.loads(b)["calls"]] for b in client.bodies]


@pytest.fixture
def journal(tmp_path):
    j = Journal(tmp_path / "journal folder ü" / "journal.sqlite3")
    yield j
    j.close()


def test_all_rows_accepted_and_never_sent_again(journal):
    plan = SimplePlan(contact_sheet(1200))
    client = ScriptedClient()
    sub, results = run(plan, journal, client)
    assert [len(r.rows) for r in results] == [500, 500, 200]
    assert results[-1].accepted_so_far == 1200
    assert all(s is RowStatus.ACCEPTED for r in results for s in r.statuses)
    assert results[0].phonon_uuids[0] == "u-C00000"
    again = Submission.prepare(plan, target(), journal)
    assert again.total_calls == 0 and len(again.skipped) == 1200
    assert again.skipped[0].sent_at is not None
    again.release()


def test_copy_of_the_sheet_with_other_ids_is_skipped_by_numbers_and_values(journal):
    sheet = contact_sheet(10)
    run(SimplePlan(sheet), journal, ScriptedClient())
    copy = contact_sheet(10, path="copy of contacts.xlsx")
    copy.data["Customer ID"] = [f"X{i}" for i in range(10)]
    sub = Submission.prepare(SimplePlan(copy), target(), journal)
    assert sub.total_calls == 0
    assert {s.matched_by for s in sub.skipped} == {"same numbers and values"}
    sub.release()


def test_account_stop_on_batch_three_leaves_the_rest_not_sent_and_resume_continues(journal):
    plan = SimplePlan(contact_sheet(5000))
    client = ScriptedClient(ok, ok, lambda b: code(212, "Insufficient Balance"))
    sub, results = run(plan, journal, client)
    assert len(client.bodies) == 3
    assert results[-1].stop and "balance" in results[-1].stop.lower()
    assert len(sub.not_sent_rows) == 3500
    states = journal.row_states(sub.campaign.id)
    assert sum(s.status is RowStatus.ACCEPTED for s in states.values()) == 1000
    assert sum(s.status is RowStatus.NOT_SENT for s in states.values()) == 500

    client2 = ScriptedClient()
    sub2, results2 = run(plan, journal, client2)
    assert sub2.total_calls == 4000 and len(sub2.skipped) == 1000
    first_ids = {i for ids in sent_ids(client) [:2] for i in ids}
    assert not first_ids & {i for ids in sent_ids(client2) for i in ids}
    # the refused request is not repeated byte for byte
    assert client.bodies[2] not in client2.bodies


def test_maybe_received_gets_one_same_bytes_retry_then_checksum_repeated_is_unconfirmed(journal):
    plan = SimplePlan(contact_sheet(3))
    client = ScriptedClient(DROP, lambda b: code(201, "Checksum Repeated"))
    sub, results = run(plan, journal, client)
    assert len(client.bodies) == 2 and client.bodies[0] == client.bodies[1]
    assert results[0].statuses == [RowStatus.UNCONFIRMED] * 3
    assert "first sent at" in results[0].messages[0] and "console" in results[0].messages[0]
    # not sent again on a re-run, unless asked for exactly those rows
    again = Submission.prepare(plan, target(), journal)
    assert again.total_calls == 0 and len(again.held) == 3
    again.release()
    sub3, _ = run(plan, journal, ScriptedClient(), resubmit_unconfirmed=True, rows=[1])
    assert sub3.total_calls == 1


def test_maybe_received_twice_is_never_tried_a_third_time(journal):
    client = ScriptedClient(DROP, DROP)
    sub, results = run(SimplePlan(contact_sheet(3)), journal, client)
    assert len(client.bodies) == 2
    assert results[0].statuses == [RowStatus.UNCONFIRMED] * 3


def test_refused_connection_is_retried_then_stops_not_sent(journal):
    client = ScriptedClient(REFUSED, REFUSED, REFUSED, REFUSED)
    sub, results = run(SimplePlan(contact_sheet(700)), journal, client)
    assert len(client.bodies) == 4
    assert results[0].statuses[0] is RowStatus.NOT_SENT and results[0].stop
    assert len(results) == 1 and len(sub.not_sent_rows) == 200


def test_rejected_rows_resubmitted_only_on_request_with_a_new_generated_id(journal):
    plan = SimplePlan(contact_sheet(2), mapping=SimpleMapping(client_identifier=None))
    client = ScriptedClient(lambda b: code(205, "Invalid Contact Number"))
    sub, results = run(plan, journal, client)
    assert results[0].statuses == [RowStatus.REJECTED] * 2
    held = Submission.prepare(plan, target(), journal)
    assert held.total_calls == 0 and {h.status for h in held.held} == {RowStatus.REJECTED}
    held.release()
    client2 = ScriptedClient()
    run(plan, journal, client2, resubmit_failed=True)
    assert sent_ids(client2) == [["gen-000000-r2", "gen-000001-r2"]]
    attempts = journal.attempts_of(FLOW, "gen-000000")
    assert [(a.attempt, a.status) for a in attempts] == [(1, RowStatus.REJECTED), (2, RowStatus.ACCEPTED)]


def test_resubmitted_mapped_id_keeps_the_id_and_still_differs_in_bytes(journal):
    plan = SimplePlan(contact_sheet(1))
    client = ScriptedClient(lambda b: code(206, "Failure from Gateway"))
    run(plan, journal, client)
    client2 = ScriptedClient()
    run(plan, journal, client2, resubmit_failed=True)
    assert sent_ids(client2) == [["C00000"]]
    assert client2.bodies[0] != client.bodies[0]
    assert json.loads(client2.bodies[0]) == json.loads(client.bodies[0])


def test_cancel_stops_after_the_request_in_flight(journal):
    cancel = threading.Event()
    sub = Submission.prepare(SimplePlan(contact_sheet(2000)), target(), journal)
    client = ScriptedClient()
    results = []
    for r in sub.run(client, None, cancel, sleep=no_sleep):
        results.append(r)
        cancel.set()
    assert len(results) == 1 and len(client.bodies) == 1
    assert len(sub.not_sent_rows) == 1500


def test_second_submit_of_the_same_flow_is_refused_while_one_runs(journal, tmp_path):
    plan = SimplePlan(contact_sheet(3))
    first = Submission.prepare(plan, target(), journal)
    other = Journal(journal.path)
    with pytest.raises(SubmissionLocked) as err:
        Submission.prepare(plan, target(), other)
    assert FLOW in err.value.message
    first.release()
    Submission.prepare(plan, target(), other).release()
    other.close()


def test_target_repr_hides_the_security_id():
    assert CANARY not in repr(target()) and CANARY[-4:] in repr(target())


def test_requests_never_carry_more_calls_than_the_rate_allows_in_a_minute(journal):
    slow = FlowTarget(flow_id=FLOW, security_id=CANARY, url="http://127.0.0.1:9/x", rate_per_minute=120)
    sub = Submission.prepare(SimplePlan(contact_sheet(300)), slow, journal)
    assert [len(b) for b in sub.batches] == [120, 120, 60]
    sub.release()


def test_partial_success_naming_strange_ids_leaves_the_others_unconfirmed(journal):
    def partial(body):
        from phonon_desktop.kairos.interpret import interpret

        details = [{"client-identifier": "C00000", "phonon-uuid": "u0"}, {"client-identifier": "ZZZ", "phonon-uuid": "u9"}]
        payload = {"api-response-code": 209, "api-response-message": "Partial Success", "request-id": "p",
                   "call-details": details}
        return interpret(200, json.dumps(payload).encode())

    sub, results = run(SimplePlan(contact_sheet(3)), journal, ScriptedClient(partial))
    assert results[0].statuses == [RowStatus.ACCEPTED, RowStatus.UNCONFIRMED, RowStatus.UNCONFIRMED]


def test_the_journal_keeps_each_call_exactly_as_sent(journal):
    client = ScriptedClient()
    sub, results = run(SimplePlan(contact_sheet(700)), journal, client)
    requests = list(journal.requests(sub.campaign.id))
    assert [journal.calls_sent(r["id"]) for r in requests] == [json.loads(b)["calls"] for b in client.bodies]
    assert {r["body_sha256"] for r in requests} == {__import__("hashlib").sha256(b).hexdigest() for b in client.bodies}


def test_no_retry_leaves_when_the_journal_cannot_record_it(journal, monkeypatch):
    from phonon_desktop.campaign.journal import JournalError

    def full(*args, **kwargs):
        raise JournalError("The send journal could not be written: the disk is full.", reason="full")

    monkeypatch.setattr(journal, "record_retry", full)
    client = ScriptedClient(DROP)
    sub, results = run(SimplePlan(contact_sheet(700)), journal, client)
    assert len(client.bodies) == 1 and len(results) == 1
    assert results[0].statuses == [RowStatus.UNCONFIRMED] * 500 and "disk is full" in results[0].stop


def test_objects_set_aside_from_collection_while_sending_are_given_back(journal):
    import gc

    assert gc.get_freeze_count() == 0
    sub = Submission.prepare(SimplePlan(contact_sheet(1200)), target(), journal)
    frozen_while_sending = []
    for _ in sub.run(ScriptedClient(), None, sleep=no_sleep):
        frozen_while_sending.append(gc.get_freeze_count() > 0)
    assert frozen_while_sending == [True, True, True]
    assert gc.get_freeze_count() == 0  # a long-lived window must not keep a list's memory pinned

    # A caller that already set objects aside (the window does) keeps them set aside.
    gc.freeze()
    try:
        sub = Submission.prepare(SimplePlan(contact_sheet(10)), target(), journal, send_accepted_again=True)
        list(sub.run(ScriptedClient(), None, sleep=no_sleep))
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
