"""The journal on disk: crash-safe settings, damaged files, full disks, recovery, locks."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from phonon_desktop.campaign.journal import Journal, JournalError, RowStatus, SendEntry, sheet_fingerprint
from phonon_desktop.campaign.send import FlowTarget, Submission, SubmissionLocked
from test_send_kit import CANARY, FLOW, ScriptedClient, SimplePlan, contact_sheet


def entries(n: int, start: int = 0) -> list[SendEntry]:
    return [SendEntry(i, f"C{i}", f"C{i}", f"sig{i}", "{}", 1) for i in range(start, start + n)]


def target() -> FlowTarget:
    return FlowTarget(flow_id=FLOW, security_id=CANARY, url="http://127.0.0.1:9/x")


def test_journal_is_wal_with_full_sync_and_made_in_a_new_folder(tmp_path):
    path = tmp_path / "Données opérateur" / "sub dir" / "journal.sqlite3"
    with Journal(path) as j:
        assert j._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert j._db.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert path.exists()


def test_full_sync_is_back_after_a_send(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as j:
        sub = Submission.prepare(SimplePlan(contact_sheet(3)), target(), j)
        list(sub.run(ScriptedClient(), None))
        assert j._db.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_default_path_is_in_the_user_data_folder():
    path = Journal.default_path()
    assert path.name == "journal.sqlite3" and "Phonon" in str(path)


def test_damaged_journal_is_refused_not_replaced(tmp_path):
    path = tmp_path / "journal.sqlite3"
    with Journal(path) as j:
        c = j.campaign_for("fp", {}, FLOW, "realtime", "1.0")
        j.record_intent(c, 0, "a" * 64, 10, "u", entries(300))
    size = path.stat().st_size
    with open(path, "r+b") as f:  # scribble over the header of every page but the first
        for page in range(1, size // 4096):
            f.seek(page * 4096)
            f.write(b"\xff" * 12)
    with pytest.raises(JournalError) as err:
        Journal(path)
    assert err.value.reason == "corrupt" and str(path) in err.value.message
    assert path.stat().st_size == size  # left as it was, for checking


@pytest.mark.parametrize("kept", [0.9, 0.5, 0.05])
def test_truncated_journal_is_refused(tmp_path, kept):
    path = tmp_path / "journal.sqlite3"
    with Journal(path) as j:
        c = j.campaign_for("fp", {}, FLOW, "realtime", "1.0")
        for b in range(4):
            j.record_intent(c, b, f"{b:064d}", 10, "u", entries(300, start=b * 300))
    os.truncate(path, int(path.stat().st_size * kept))
    with pytest.raises(JournalError) as err:
        Journal(path)
    assert err.value.reason == "corrupt" and "will not send" in err.value.message


def test_truncated_or_foreign_file_is_refused(tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(JournalError) as err:
        Journal(path)
    assert err.value.reason == "corrupt"


def test_full_disk_while_writing_the_intent_sends_nothing(tmp_path):
    j = Journal(tmp_path / "j.sqlite3")
    plan = SimplePlan(contact_sheet(600))
    sub = Submission.prepare(plan, target(), j)
    pages = j._db.execute("PRAGMA page_count").fetchone()[0]
    j._db.execute(f"PRAGMA max_page_count = {pages}")
    client = ScriptedClient()
    results = list(sub.run(client, None))
    assert client.bodies == []
    assert results[0].statuses[0] is RowStatus.NOT_SENT
    assert "disk is full" in results[0].stop and "Nothing was sent" in results[0].stop
    j.close()


def test_interrupted_request_becomes_unconfirmed_and_is_not_resent(tmp_path):
    path = tmp_path / "j.sqlite3"
    plan = SimplePlan(contact_sheet(4))
    with Journal(path) as j:
        c = j.campaign_for(sheet_fingerprint(plan.sheet), plan.mapping.to_json(), FLOW, "realtime", "1.0")
        from phonon_desktop.campaign.journal import call_signature

        es = []
        for r in range(2):
            call = plan.call(r)
            es.append(SendEntry(r, call.client_identifier, call.client_identifier,
                                call_signature(call.contact_numbers, call.keys), "{}", 1))
        j.record_intent(c, 0, "b" * 64, 10, "u", es)  # ... and the program dies here
    with Journal(path) as j:
        client = ScriptedClient()
        sub = Submission.prepare(plan, target(), j)
        assert sub.total_calls == 2 and {h.row for h in sub.held} == {0, 1}
        list(sub.run(client, None))
        states = j.row_states(sub.campaign.id)
        assert states["C00000"].status is RowStatus.UNCONFIRMED
        assert "stopped while this request was being sent" in states["C00000"].message
        assert states["C00002"].status is RowStatus.ACCEPTED


def test_lock_left_by_a_dead_program_is_taken_over(tmp_path):
    path = tmp_path / "j.sqlite3"
    code = (
        "import sys; sys.path.insert(0, sys.argv[2]);"
        "from phonon_desktop.campaign.journal import Journal;"
        "j = Journal(sys.argv[1]); c = j.campaign_for('fp', {}, 'Fl0w1234', 'realtime', '1.0');"
        "j.acquire_lock(c); import os; os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", code, str(path), os.getcwd()], check=True)
    with Journal(path) as j:
        c = j.campaign_for("fp", {}, FLOW, "realtime", "1.0")
        token = j.acquire_lock(c)  # the holder's process is gone
        assert token
        other = Journal(path)
        with pytest.raises(JournalError) as err:
            other.acquire_lock(c)
        assert err.value.reason == "locked"
        other.close()


def test_history_lists_campaigns_of_a_sheet(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as j:
        plan = SimplePlan(contact_sheet(3))
        sub = Submission.prepare(plan, target(), j)
        list(sub.run(ScriptedClient(), None))
        history = j.campaigns_for_sheet(sheet_fingerprint(plan.sheet))
        assert len(history) == 1
        assert history[0].counts == {"accepted": 3} and history[0].request_ids == ["req-1"]
        assert history[0].flow_id == FLOW


def test_same_content_same_fingerprint_other_content_other():
    a, b = contact_sheet(5), contact_sheet(5, path="elsewhere.xlsx")
    assert sheet_fingerprint(a) == sheet_fingerprint(b)
    b.data.at[2, "Mobile"] = "918000000999"
    assert sheet_fingerprint(a) != sheet_fingerprint(b)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_journal_is_readable_by_its_owner_only(tmp_path):
    with Journal(tmp_path / "j.sqlite3"):
        pass
    assert (tmp_path / "j.sqlite3").stat().st_mode & 0o077 == 0


def test_a_send_whose_lock_was_taken_over_stops_before_sending_more(tmp_path, monkeypatch):
    import phonon_desktop.campaign.send as send_module

    with Journal(tmp_path / "j.sqlite3") as j:
        sub = Submission.prepare(SimplePlan(contact_sheet(1500)), target(), j)
        client = ScriptedClient()
        results = []
        monkeypatch.setattr(send_module, "HEARTBEAT_SECONDS", 0.0)
        for result in sub.run(client, None):
            results.append(result)
            # meanwhile (the laptop slept) another program declared the lock stale and took it
            j._db.execute("UPDATE locks SET token='someone else'")
        assert len(client.bodies) == 1 and len(results) == 2
        assert results[1].stop and "took over" in results[1].stop
        assert results[1].statuses == [RowStatus.NOT_SENT] * 500


def test_earlier_sends_of_thousands_of_rows_are_found_for_their_flow_only(tmp_path):
    def answer(j, pk, first_send, status, n, code=None):
        rows = [(first_send + i, status, code, "said so", None) for i in range(n)]
        j.record_outcome(pk, outcome="x", http_status=200, code=code, message="m", request_id="r",
                         explanation="e", rows=rows)

    with Journal(tmp_path / "j.sqlite3") as j:
        here = j.campaign_for("fp", {}, FLOW, "realtime", "1.0")
        there = j.campaign_for("fp", {}, "Other123", "realtime", "1.0")
        assert not j.has_sends(FLOW)
        pk, ids = j.record_intent(here, 0, "a" * 64, 10, "u", entries(1500))  # C0..C1499 rejected
        answer(j, pk, ids[0], RowStatus.REJECTED, 1500, 205)
        again = [SendEntry(i, f"C{i}", f"C{i}-r2", f"sig{i}", "{}", 2) for i in range(1000, 1200)]
        pk, ids = j.record_intent(here, 1, "b" * 64, 10, "u", again)  # C1000..C1199 accepted on attempt 2
        answer(j, pk, ids[0], RowStatus.ACCEPTED, 200, 200)
        pk, ids = j.record_intent(there, 0, "c" * 64, 10, "u", entries(1000, start=2000))  # another flow
        answer(j, pk, ids[0], RowStatus.ACCEPTED, 1000, 200)
        # ids asked: C0..C2999; signatures of C2500.. are those of C100.. (a copy under other ids)
        asked = [f"C{i}" for i in range(3000)]
        sigs = [f"sig{i - 2400 if i >= 2500 else i}" for i in range(3000)]
        found = j.earlier_sends(FLOW, asked, sigs)
        states = j.previous_sends(FLOW, asked, sigs)
        assert j.has_sends(FLOW)
        # a few rows asked about against many sends are looked up another way: same answers
        few = list(range(0, 3000, 61))
        assert j.earlier_sends(FLOW, [asked[i] for i in few], [sigs[i] for i in few]) == {
            asked[i]: found[asked[i]] for i in few if asked[i] in found
        }
    assert set(found) == set(states) == {f"C{i}" for i in range(1500)} | {f"C{i}" for i in range(2500, 3000)}
    assert found["C5"].status is RowStatus.REJECTED and found["C5"].last_attempt == 1
    assert found["C1100"].status is RowStatus.ACCEPTED and found["C1100"].attempt == 2
    assert found["C1100"].last_attempt == 2 and states["C1100"].client_id == "C1100-r2"
    assert found["C2600"].matched_by == "same numbers and values" and found["C2600"].last_attempt is None
    assert found["C2600"].status is RowStatus.REJECTED and states["C2600"].base_client_id == "C200"
    assert all(
        (f.status, f.sent_at, f.request_id, f.message, f.attempt, f.matched_by)
        == (s.status, s.sent_at, s.request_id, s.message, s.attempt, s.matched_by)
        for f, s in zip(found.values(), (states[k] for k in found))
    )
    with Journal(tmp_path / "j.sqlite3") as j:
        assert j.last_attempts(FLOW, ["C1", "C1100", "C2100", "nobody"]) == {"C1": 1, "C1100": 2}
        assert j.last_attempts(FLOW)["C1100"] == 2 and "C2100" not in j.last_attempts(FLOW)


def _as_first_version(path) -> None:
    """Rewrite a journal as the first version stored it: answers in the requests' own columns."""
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE requests SET (outcome_at, outcome, http_status, code, message, request_id, explanation, uuids) = "
            "(SELECT outcome_at, outcome, http_status, code, message, request_id, explanation, uuids "
            "FROM answers WHERE request_pk = requests.id)"
        )
        db.execute("DROP VIEW requests_answered")
        db.execute("DROP TABLE answers")
        db.execute("PRAGMA user_version = 1")


def test_a_journal_from_the_first_version_still_knows_what_was_sent(tmp_path):
    path = tmp_path / "j.sqlite3"
    plan = SimplePlan(contact_sheet(6))
    with Journal(path) as j:
        sub = Submission.prepare(plan, target(), j, rows=[0, 1, 2])
        list(sub.run(ScriptedClient(), None))
        before = j.row_states(sub.campaign.id)
        c = j.campaign_for("fp", {}, FLOW, "realtime", "1.0")
        j.record_intent(c, 0, "c" * 64, 10, "u", entries(2, start=900))  # ... and that program died here
    _as_first_version(path)
    with Journal(path) as j:
        assert j._db.execute("PRAGMA user_version").fetchone()[0] == 2
        again = Submission.prepare(plan, target(), j)
        assert again.total_calls == 3 and len(again.skipped) == 3  # accepted rows are not sent again
        list(again.run(ScriptedClient(), None))
        states = j.row_states(sub.campaign.id)
        for cid, state in before.items():
            assert (states[cid].status, states[cid].request_id, states[cid].phonon_uuid) == (
                RowStatus.ACCEPTED, state.request_id, state.phonon_uuid)
        assert sum(s.status is RowStatus.ACCEPTED for s in states.values()) == 6
        # The first version's interrupted request became unconfirmed when the send began.
        assert {s.status for s in j.row_states(c.id).values()} == {RowStatus.UNCONFIRMED}
        assert j.recover() == 0
