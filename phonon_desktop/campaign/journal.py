"""The send journal: a SQLite file that remembers every campaign, request and row outcome.

It is the program's memory of what has been sent, so that nobody is called twice:
- the intent to send a batch (its exact bytes' hash, its rows, the call each row carries)
  is committed *before* the request leaves, and the outcome after it returns;
- a request whose intent has no outcome (the program was killed while waiting) is turned
  into "unconfirmed" rows on the next start, never re-sent on its own;
- rows accepted once are found again by client identifier or by the same numbers and values
  for the same flow, across re-runs, crashes and copies of the file.

The security id is never written here: rows keep their call without the request envelope,
and requests keep only the SHA-256 of their bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator, Sequence

from phonon_desktop.campaign.journal_records import (  # re-exported: the journal's public names
    STATUS_WEIGHT,
    Campaign,
    CampaignSummary,
    EarlierSend,
    JournalError,
    RowState,
    RowStatus,
    SendEntry,
    uuid_map,
    call_signature,
    now_text,
    sheet_fingerprint,
)
from phonon_desktop.campaign.process import pid_is_running

__all__ = [
    "Campaign",
    "CampaignSummary",
    "EarlierSend",
    "Journal",
    "JournalError",
    "RowState",
    "RowStatus",
    "SendEntry",
    "call_signature",
    "now_text",
    "sheet_fingerprint",
]

SCHEMA_VERSION = 2  # 2: answers apart from requests (version 1 kept them in requests)
# A lock whose holder has not written a heartbeat for this long is taken to be left behind
# by a program that stopped without cleaning up (a lost network drive, a frozen laptop).
STALE_LOCK_SECONDS = 10 * 60


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS campaigns(
    id INTEGER PRIMARY KEY,
    sheet_fingerprint TEXT NOT NULL,
    mapping_json TEXT NOT NULL,
    mapping_hash TEXT NOT NULL,
    flow_id TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    api_version TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE(sheet_fingerprint, mapping_hash, flow_id, endpoint, api_version));
CREATE TABLE IF NOT EXISTS locks(
    flow_id TEXT PRIMARY KEY,
    campaign_id INTEGER NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    token TEXT NOT NULL,
    started_at TEXT NOT NULL,
    heartbeat REAL NOT NULL);
CREATE TABLE IF NOT EXISTS requests(
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL,
    batch_index INTEGER NOT NULL,
    try_number INTEGER NOT NULL,
    retry_of INTEGER,
    body_sha256 TEXT NOT NULL,
    body_bytes INTEGER NOT NULL,
    call_count INTEGER NOT NULL,
    url TEXT NOT NULL,
    intent_at TEXT NOT NULL,
    outcome_at TEXT,
    outcome TEXT,
    http_status INTEGER,
    code INTEGER,
    message TEXT,
    request_id TEXT,
    explanation TEXT,
    first_send INTEGER,
    last_send INTEGER,
    uuids TEXT,  -- JSON {send id: phonon-uuid}: one write per request, not one per row
    calls TEXT);  -- the JSON array of the calls exactly as sent, in send-id order
CREATE INDEX IF NOT EXISTS requests_sha ON requests(body_sha256);
CREATE INDEX IF NOT EXISTS requests_campaign ON requests(campaign_id);
CREATE TABLE IF NOT EXISTS sends(
    id INTEGER PRIMARY KEY,
    request_pk INTEGER NOT NULL,  -- the latest try; its campaign, flow and time are there
    row_index INTEGER NOT NULL,
    base_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'sending',
    code INTEGER,
    message TEXT,  -- NULL: the request's explanation applies
    phonon_uuid TEXT);
-- A request's answer, apart from its ~100 KB of calls: writing the answer then rewrites a
-- small row, not the request's. Journals of version 1 kept answers in requests' own columns;
-- requests_answered reads either.
CREATE TABLE IF NOT EXISTS answers(
    request_pk INTEGER PRIMARY KEY,
    outcome_at TEXT NOT NULL,
    outcome TEXT,
    http_status INTEGER,
    code INTEGER,
    message TEXT,
    request_id TEXT,
    explanation TEXT,
    uuids TEXT);
CREATE VIEW IF NOT EXISTS requests_answered AS
    SELECT r.id AS id, r.campaign_id AS campaign_id, r.batch_index AS batch_index, r.try_number AS try_number,
        r.retry_of AS retry_of, r.body_sha256 AS body_sha256, r.body_bytes AS body_bytes,
        r.call_count AS call_count, r.url AS url, r.intent_at AS intent_at,
        r.first_send AS first_send, r.last_send AS last_send,
        COALESCE(a.outcome_at, r.outcome_at) AS outcome_at,
        COALESCE(a.outcome, r.outcome) AS outcome,
        COALESCE(a.http_status, r.http_status) AS http_status,
        COALESCE(a.code, r.code) AS code,
        COALESCE(a.message, r.message) AS message,
        COALESCE(a.request_id, r.request_id) AS request_id,
        COALESCE(a.explanation, r.explanation) AS explanation,
        COALESCE(a.uuids, r.uuids) AS uuids
    FROM requests r LEFT JOIN answers a ON a.request_pk = r.id;
-- No secondary index on sends: each request appends its rows at the end of the table
-- (cheap, it happens before every request); look-ups by flow scan it once per send.
"""

_WEIGHT_OF = {status.value: weight for status, weight in STATUS_WEIGHT.items()}
_FLOW_REQUESTS = "SELECT r.id FROM requests r JOIN campaigns c ON c.id = r.campaign_id WHERE c.flow_id = ?"
_STATUS_OF = {status.value: status for status in RowStatus}
_LOOKUPS = ("lookup_ids", "lookup_sigs")


class Journal:
    """The send journal file. Safe to share between a window thread and one sending thread."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else self.default_path()
        self._guard = threading.RLock()
        self._db = self._open(self.path)

    @staticmethod
    def default_path() -> Path:
        import platformdirs

        return Path(platformdirs.user_data_dir("Phonon Desktop", "Phonon", roaming=False)) / "journal.sqlite3"

    # ---- opening ------------------------------------------------------------------------

    def _open(self, path: Path) -> sqlite3.Connection:
        where = f"The send journal ({path})"
        existed = path.exists() and path.stat().st_size > 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(path), timeout=10, isolation_level=None, check_same_thread=False)
            if not existed and os.name == "posix" and path.exists():
                # It lists customers' numbers and names: readable by this user only.
                os.chmod(path, 0o600)
        except (OSError, sqlite3.Error) as exc:
            raise JournalError(
                f"{where} cannot be opened: {exc}. Check that the folder exists and that you may write to it.",
                reason="unwritable",
            ) from None
        try:
            db.execute("PRAGMA busy_timeout = 10000")
            if existed:
                # A damaged journal must stop sending: starting a fresh one would forget what
                # was sent and call people twice.
                check = db.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok":
                    raise sqlite3.DatabaseError(check)
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            db.execute("PRAGMA synchronous = FULL")
            if str(mode).lower() != "wal" or db.execute("PRAGMA synchronous").fetchone()[0] != 2:
                raise JournalError(
                    f"{where} cannot be made crash-safe (mode {mode}). Keep the journal on a local disk, "
                    "not on a network or synced folder.",
                    reason="unwritable",
                )
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise JournalError(
                    f"{where} was written by a newer version of Phonon Desktop. Install that version to send.",
                    reason="newer",
                )
            if version < SCHEMA_VERSION:
                db.executescript("BEGIN IMMEDIATE;" + _SCHEMA + f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
        except JournalError:
            db.close()
            raise
        except sqlite3.DatabaseError as exc:
            db.close()
            raise self._error(exc, "opening it") from None
        return db

    def _error(self, exc: sqlite3.Error, doing: str) -> JournalError:
        text = str(exc).lower()
        where = f"The send journal ({self.path})"
        if "full" in text:
            return JournalError(
                f"{where} could not be written while {doing}: the disk is full. Nothing was sent. "
                "Free some disk space and send again.",
                reason="full",
            )
        if "locked" in text or "busy" in text:
            return JournalError(
                f"{where} is busy in another Phonon Desktop window or program. Close it and try again.",
                reason="locked",
            )
        if "malformed" in text or "not a database" in text or "corrupt" in text or "disk image" in text:
            return JournalError(
                f"{where} is damaged ({exc}), so Phonon Desktop cannot tell what was already sent and "
                "will not send. Keep the file (it is needed to check past sends); move it to another "
                "folder only if you are sure nothing from it must be checked, then start again.",
                reason="corrupt",
            )
        return JournalError(f"{where} could not be used while {doing}: {exc}.", reason="unwritable")

    def close(self) -> None:
        with self._guard:
            self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- small helpers ------------------------------------------------------------------

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self._guard:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise self._error(exc, "reading it") from None

    class _Tx:
        def __init__(self, journal: Journal, doing: str) -> None:
            self.j, self.doing = journal, doing

        def __enter__(self) -> sqlite3.Connection:
            self.j._guard.acquire()
            try:
                self.j._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                self.j._guard.release()
                raise self.j._error(exc, self.doing) from None
            return self.j._db

        def __exit__(self, kind: type | None, exc: BaseException | None, tb: object) -> bool:
            try:
                if kind is None:
                    try:
                        self.j._db.execute("COMMIT")
                        return False
                    except sqlite3.Error as err:
                        exc = err
                try:
                    self.j._db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                if isinstance(exc, sqlite3.Error):
                    raise self.j._error(exc, self.doing) from None
                return False
            finally:
                self.j._guard.release()

    def _tx(self, doing: str) -> Journal._Tx:
        return Journal._Tx(self, doing)

    # ---- campaigns ----------------------------------------------------------------------

    def campaign_for(
        self, sheet_fingerprint: str, mapping_json: dict | str, flow_id: str, endpoint: str, api_version: str
    ) -> Campaign:
        """The campaign for this sheet content, mapping and flow; made on first use."""
        mapping_text = mapping_json if isinstance(mapping_json, str) else json.dumps(mapping_json, sort_keys=True)
        mapping_hash = hashlib.sha256(mapping_text.encode("utf-8")).hexdigest()[:32]
        key = (sheet_fingerprint, mapping_hash, flow_id, endpoint, api_version)
        with self._tx("recording the campaign") as db:
            row = db.execute(
                "SELECT id, created_at FROM campaigns WHERE sheet_fingerprint=? AND mapping_hash=? "
                "AND flow_id=? AND endpoint=? AND api_version=?",
                key,
            ).fetchone()
            if row is None:
                created = now_text()
                cur = db.execute(
                    "INSERT INTO campaigns(sheet_fingerprint, mapping_json, mapping_hash, flow_id, endpoint, "
                    "api_version, created_at) VALUES (?,?,?,?,?,?,?)",
                    (sheet_fingerprint, mapping_text, mapping_hash, flow_id, endpoint, api_version, created),
                )
                row = (cur.lastrowid, created)
        return Campaign(int(row[0]), sheet_fingerprint, flow_id, endpoint, api_version, row[1])

    def campaigns_for_sheet(self, sheet_fingerprint: str) -> list[CampaignSummary]:
        """Every campaign sent from this sheet content, newest first (the History view)."""
        out = []
        for cid, created, flow, endpoint, version in self._query(
            "SELECT id, created_at, flow_id, endpoint, api_version FROM campaigns "
            "WHERE sheet_fingerprint=? ORDER BY id DESC",
            (sheet_fingerprint,),
        ):
            counts: dict[str, int] = {}
            for state in self.row_states(cid).values():
                counts[state.status.value] = counts.get(state.status.value, 0) + 1
            reqs = self._query(
                "SELECT request_id, intent_at FROM requests_answered WHERE campaign_id=? ORDER BY id", (cid,)
            )
            out.append(
                CampaignSummary(
                    campaign_id=cid,
                    created_at=created,
                    last_sent_at=reqs[-1][1] if reqs else None,
                    flow_id=flow,
                    endpoint=endpoint,
                    api_version=version,
                    counts=counts,
                    request_ids=[r[0] for r in reqs if r[0]],
                )
            )
        return out

    # ---- row states ---------------------------------------------------------------------

    _STATE_SQL = (
        "SELECT s.id, s.row_index, s.client_id, s.base_id, s.status, s.code, COALESCE(s.message, r.explanation), "
        "r.request_id, "
        "s.phonon_uuid, r.intent_at, s.attempt, r.campaign_id, s.signature, r.uuids FROM sends s "
        "JOIN requests_answered r ON r.id = s.request_pk JOIN campaigns c ON c.id = r.campaign_id "
    )

    @staticmethod
    def _state(rec: tuple, matched_by: str = "client identifier") -> RowState:
        uuid = rec[8]
        if uuid is None and rec[13]:
            uuid = uuid_map(rec[13]).get(str(rec[0]))
        return RowState(
            row=rec[1],
            client_id=rec[2],
            base_client_id=rec[3],
            status=RowStatus(rec[4]),
            code=rec[5],
            message=rec[6] or "",
            request_id=rec[7],
            phonon_uuid=uuid,
            sent_at=rec[9],
            attempt=rec[10],
            campaign_id=rec[11],
            matched_by=matched_by,
        )

    @staticmethod
    def _stronger(old: tuple | None, new: tuple) -> bool:
        if old is None:
            return True
        return (STATUS_WEIGHT[RowStatus(new[4])], new[0]) > (STATUS_WEIGHT[RowStatus(old[4])], old[0])

    def row_states(self, campaign_id: int) -> dict[str, RowState]:
        """client identifier (before any attempt suffix) -> the row's state in this campaign."""
        best: dict[str, tuple] = {}
        ranges = self._query(
            "SELECT first_send, last_send FROM requests WHERE campaign_id=? AND retry_of IS NULL ORDER BY id",
            (campaign_id,),
        )
        recs = [
            rec
            for first, last in ranges
            for rec in self._query(self._STATE_SQL + "WHERE s.id BETWEEN ? AND ? ORDER BY s.id", (first, last))
        ]
        for rec in recs:
            if self._stronger(best.get(rec[3]), rec):
                best[rec[3]] = rec
        return {k: self._state(v) for k, v in best.items()}

    def previous_sends(
        self, flow_id: str, client_ids: Sequence[str], signatures: Sequence[str]
    ) -> dict[str, RowState]:
        """For each client id (paired with its call signature), the weightiest earlier send to
        this flow in any campaign, found by the same id or by the same numbers and values."""
        chosen, _ = self._earlier(flow_id, client_ids, signatures)
        records: dict[int, tuple] = {}
        send_ids = sorted({rec[0] for rec, _, _ in chosen.values()})
        for at in range(0, len(send_ids), 900):
            part = send_ids[at : at + 900]
            for rec in self._query(self._STATE_SQL + f"WHERE s.id IN ({','.join('?' * len(part))})", part):
                records[rec[0]] = rec
        return {cid: self._state(records[rec[0]], matched_by) for cid, (rec, matched_by, _) in chosen.items()}

    def earlier_sends(
        self, flow_id: str, client_ids: Sequence[str], signatures: Sequence[str]
    ) -> dict[str, EarlierSend]:
        """``previous_sends`` as plain tuples, with the highest attempt sent under each id:
        what a send decides from, cheap enough for a million rows."""
        chosen, requests = self._earlier(flow_id, client_ids, signatures)
        status_of = _STATUS_OF
        out: dict[str, EarlierSend] = {}
        for cid, ((_, status, attempt, request_pk, message), matched_by, last) in chosen.items():
            request_id, sent_at, explanation = requests[request_pk]
            out[cid] = EarlierSend(status_of[status], sent_at, request_id, (message if message is not None else explanation) or "", attempt,
                                   matched_by, last)
        return out

    def has_sends(self, flow_id: str) -> bool:
        """Whether anything was ever sent to this flow from this journal."""
        return bool(self._query(
            "SELECT 1 FROM requests r JOIN campaigns c ON c.id = r.campaign_id WHERE c.flow_id=? LIMIT 1",
            (flow_id,),
        ))

    def _earlier(
        self, flow_id: str, client_ids: Sequence[str], signatures: Sequence[str]
    ) -> tuple[dict[str, tuple[tuple, str, int | None]], dict[int, tuple]]:
        """(client id -> (its deciding send as (send id, status, attempt, request key,
        message), how it was matched, the highest attempt sent under that id or None),
        request key -> (request id, intent time, explanation)).

        Set-based: one pass over the flow's sends by identifier, and one by signature only
        for the rows whose identifier was not already found accepted (nothing outweighs
        that). The sends table has no index on either, to keep every request's intent write
        cheap. When the rows asked about are few against the flow's sends, they go into
        temporary tables and SQLite returns only theirs; otherwise the pass returns the
        flow's sends and a Python set keeps the wanted ones (far cheaper than filling a
        temporary table with a million values).
        """
        chosen: dict[str, tuple[tuple, str, int | None]] = {}
        if not len(client_ids):
            return chosen, {}
        wanted_ids = set(client_ids)
        top = max(STATUS_WEIGHT.values())
        with self._reading() as db:
            sent = db.execute(
                "SELECT COALESCE(SUM(r.call_count), 0) FROM requests r JOIN campaigns c ON c.id = r.campaign_id "
                "WHERE c.flow_id=? AND r.retry_of IS NULL",
                (flow_id,),
            ).fetchone()[0]
            if not sent:
                return chosen, {}
            best_id, last = self._heaviest_sends(flow_id, "base_id", wanted_ids, sent)
            undecided = {
                sig for cid, sig in zip(client_ids, signatures)
                if (held := best_id.get(cid)) is None or held[0] < top
            }
            best_sig = self._heaviest_sends(flow_id, "signature", undecided, sent)[0] if undecided else {}
            requests = {
                pk: (request_id, at, explanation)
                for pk, request_id, at, explanation in db.execute(
                    "SELECT r.id, r.request_id, r.intent_at, r.explanation FROM requests_answered r "
                    "JOIN campaigns c ON c.id = r.campaign_id WHERE c.flow_id=?",
                    (flow_id,),
                )
            }
        if len(wanted_ids) == len(client_ids):
            # The usual case, every id once: the id's own send, unless a send of the same
            # numbers and values outweighs it.
            chosen = {cid: (rec, "client identifier", last[cid]) for cid, (_, rec) in best_id.items()}
            if best_sig:
                for cid, sig in zip(client_ids, signatures):
                    b = best_sig.get(sig)
                    if b is not None:
                        a = best_id.get(cid)
                        if a is None or b[0] > a[0]:
                            chosen[cid] = (b[1], "same numbers and values", last.get(cid))
        else:
            for cid, sig in zip(client_ids, signatures):
                a, b = best_id.get(cid), best_sig.get(sig)
                if b is not None and (a is None or b[0] > a[0]):
                    chosen[cid] = (b[1], "same numbers and values", last.get(cid))
                elif a is not None:
                    chosen[cid] = (a[1], "client identifier", last[cid])
        return chosen, requests

    def _heaviest_sends(
        self, flow_id: str, column: str, wanted: set[str], sent: int
    ) -> tuple[dict[str, tuple[int, tuple]], dict[str, int]]:
        """For each wanted value of ``column`` ("base_id" or "signature") among the flow's
        sends: the send whose status weighs most (in send order, the later of equal weight)
        as (weight, (send id, status, attempt, request key, message)), and the highest
        attempt seen. Few values go through a temporary table; many are filtered here."""
        db = self._db
        few = len(wanted) * 10 < sent
        table = {"base_id": "lookup_ids", "signature": "lookup_sigs"}[column]
        if few:
            self._fill_lookup(table, wanted)
        weight = _WEIGHT_OF
        best: dict[str, tuple[int, tuple]] = {}
        last: dict[str, int] = {}
        for sid, key, status, attempt, request_pk, message in db.execute(
            f"SELECT s.id, s.{column}, s.status, s.attempt, s.request_pk, s.message FROM sends s "
            f"WHERE s.request_pk IN ({_FLOW_REQUESTS}) "
            + (f"AND s.{column} IN (SELECT v FROM temp.{table}) " if few else "")
            + "ORDER BY s.id",
            (flow_id,),
        ):
            if key not in wanted:
                continue
            w = weight.get(status, 0)
            held = best.get(key)
            if held is None or w >= held[0]:
                best[key] = (w, (sid, status, attempt, request_pk, message))
            if attempt > last.get(key, -1):
                last[key] = attempt
        return best, last

    def _fill_lookup(self, name: str, values: Any) -> None:
        """Fill one of the temporary look-up tables (this connection's only, never on disk
        with the journal) with a set of values."""
        self._db.executemany(f"INSERT OR IGNORE INTO temp.{name}(v) VALUES (?)", zip(values))

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """One consistent view of the journal for a look-up, with empty temporary tables
        (lookup_ids, lookup_sigs) to fill; they are emptied again after."""
        with self._guard:
            db = self._db
            try:
                db.execute("BEGIN")
                for name in _LOOKUPS:
                    db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name}(v PRIMARY KEY) WITHOUT ROWID")
            except sqlite3.Error as exc:
                self._rollback()
                raise self._error(exc, "reading it") from None
            try:
                yield db
                for name in _LOOKUPS:
                    db.execute(f"DELETE FROM temp.{name}")
                db.execute("COMMIT")  # only temporary tables were written
            except BaseException as exc:
                self._rollback()
                if isinstance(exc, sqlite3.Error):
                    raise self._error(exc, "reading it") from None
                raise

    def _rollback(self) -> None:
        try:
            self._db.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # no transaction was open

    def already_accepted(
        self, flow_id: str, client_ids: Sequence[str], call_signatures: Sequence[str]
    ) -> dict[str, RowState]:
        """client id -> its earlier acceptance by this flow (same id, or same numbers and values)."""
        return {
            k: v
            for k, v in self.previous_sends(flow_id, client_ids, call_signatures).items()
            if v.status is RowStatus.ACCEPTED
        }

    def last_attempts(self, flow_id: str, client_ids: Sequence[str] | None = None) -> dict[str, int]:
        """base client id -> the highest attempt number ever sent to this flow (only for
        ``client_ids`` when given)."""
        sql = (
            f"SELECT s.base_id, MAX(s.attempt) FROM sends s WHERE s.request_pk IN ({_FLOW_REQUESTS})"
        )
        if client_ids is None:
            return dict(self._query(sql + " GROUP BY s.base_id", (flow_id,)))
        with self._reading() as db:
            self._fill_lookup("lookup_ids", client_ids)
            found = db.execute(
                sql + " AND s.base_id IN (SELECT v FROM temp.lookup_ids) GROUP BY s.base_id", (flow_id,)
            ).fetchall()
        return dict(found)

    def recent_sends(self, flow_id: str, seconds: float) -> list[tuple[float, int]]:
        """(seconds ago, calls) of the requests to this flow that left in the last ``seconds``
        (any program run), so that a restarted send does not burst above the rate limit."""
        now = datetime.now().astimezone()
        found: list[tuple[float, int]] = []
        for at, calls in self._query(
            "SELECT r.intent_at, r.call_count FROM requests r JOIN campaigns c ON c.id = r.campaign_id "
            "WHERE c.flow_id=? AND r.retry_of IS NULL ORDER BY r.id DESC LIMIT 500",
            (flow_id,),
        ):
            try:
                age = (now - datetime.fromisoformat(at)).total_seconds()
            except ValueError:
                continue
            if age > seconds:
                break
            found.append((max(0.0, age), calls))
        return found

    def calls_sent_within(self, flow_id: str, seconds: float) -> int:
        """How many calls left for this flow in the last ``seconds``."""
        return sum(calls for _, calls in self.recent_sends(flow_id, seconds))

    def body_seen(self, body_sha256: str) -> bool:
        """Whether a request with exactly these bytes was ever recorded."""
        return bool(self._query("SELECT 1 FROM requests WHERE body_sha256=? LIMIT 1", (body_sha256,)))

    # ---- intents and outcomes -----------------------------------------------------------

    def record_intent(
        self,
        campaign: Campaign,
        batch_index: int,
        body_sha256: str,
        body_bytes: int,
        url: str,
        entries: Sequence[SendEntry],
    ) -> tuple[int, list[int]]:
        """Commit, durably, that this request is about to leave. Returns (request id, send ids)."""
        at = now_text()
        with self._tx("recording a request before sending it") as db:
            first = db.execute("SELECT COALESCE(MAX(id), 0) FROM sends").fetchone()[0] + 1
            cur = db.execute(
                "INSERT INTO requests(campaign_id, batch_index, try_number, body_sha256, body_bytes, call_count, "
                "url, intent_at, first_send, last_send, calls) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (campaign.id, batch_index, 1, body_sha256, body_bytes, len(entries), url, at, first,
                 first + len(entries) - 1, "[" + ",".join(e.call_json for e in entries) + "]"),
            )
            request_pk = int(cur.lastrowid)
            db.executemany(
                "INSERT INTO sends(id, request_pk, row_index, base_id, client_id, signature, attempt) "
                "VALUES (?,?,?,?,?,?,?)",
                [
                    (send_id, request_pk, row, base_id, client_id, signature, attempt)
                    for send_id, (row, base_id, client_id, signature, _, attempt) in enumerate(entries, first)
                ],
            )
        return request_pk, list(range(first, first + len(entries)))

    def record_retry(self, request_pk: int) -> int:
        """Commit that the same bytes are about to be sent once more; returns the new request id."""
        at = now_text()
        with self._tx("recording a retry before sending it") as db:
            row = db.execute(
                "SELECT campaign_id, batch_index, try_number, body_sha256, body_bytes, call_count, url, "
                "first_send, last_send FROM requests WHERE id=?",
                (request_pk,),
            ).fetchone()
            cur = db.execute(
                "INSERT INTO requests(campaign_id, batch_index, try_number, retry_of, body_sha256, body_bytes, "
                "call_count, url, intent_at, first_send, last_send) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (row[0], row[1], row[2] + 1, request_pk, row[3], row[4], row[5], row[6], at, row[7], row[8]),
            )
            new_pk = int(cur.lastrowid)
            db.execute("UPDATE sends SET request_pk=? WHERE id BETWEEN ? AND ?", (new_pk, row[7], row[8]))
        return new_pk

    def record_outcome(
        self,
        request_pk: int,
        *,
        outcome: str,
        http_status: int | None,
        code: int | None,
        message: str,
        request_id: str | None,
        explanation: str,
        rows: Sequence[tuple[int, RowStatus, int | None, str, str | None]],
    ) -> None:
        """Commit what a request's answer means: the request's fields and each send's
        (send id, status, code, message, phonon uuid).

        This commit is not flushed to disk on its own: the next intent's (or the lock
        release's) full sync carries it. A power cut in between can only lose this answer,
        and a lost answer shows as "unconfirmed" (never as "not sent"), so nobody is called
        twice; meanwhile each request costs one disk flush instead of two.
        """
        with self._guard:
            try:
                self._db.execute("PRAGMA synchronous = NORMAL")
                self._record_outcome(request_pk, outcome, http_status, code, message, request_id, explanation, rows)
            finally:
                self._db.execute("PRAGMA synchronous = FULL")

    def _record_outcome(
        self,
        request_pk: int,
        outcome: str,
        http_status: int | None,
        code: int | None,
        message: str,
        request_id: str | None,
        explanation: str,
        rows: Sequence[tuple[int, RowStatus, int | None, str, str | None]],
    ) -> None:
        with self._tx("recording an answer") as db:
            uuids = {str(sid): u for sid, _, _, _, u in rows if u}
            db.execute(
                "INSERT OR REPLACE INTO answers(outcome_at, outcome, http_status, code, message, request_id, "
                "explanation, uuids, request_pk) VALUES (?,?,?,?,?,?,?,?,?)",
                (now_text(), outcome, http_status, code, message, request_id, explanation,
                 json.dumps(uuids) if uuids else None, request_pk),
            )
            if not rows:
                return
            first_id, status0, code0, message0, _ = rows[0]
            n = len(rows)
            send_ids, statuses, codes, messages, _ = zip(*rows)
            # Column by column: the count of equal values runs without a Python step per row.
            uniform = (
                send_ids == tuple(range(first_id, first_id + n))
                and statuses.count(status0) == n  # RowStatus members: equal only to themselves
                and codes.count(code0) == n
                and messages.count(message0) == n
            )
            if uniform:
                # The usual case: one outcome for the whole request, one statement.
                db.execute(
                    "UPDATE sends SET status=?, code=?, message=? WHERE id BETWEEN ? AND ?",
                    (status0.value, code0, None if message0 == explanation else message0,
                     first_id, first_id + len(rows) - 1),
                )
            else:
                db.executemany(
                    "UPDATE sends SET status=?, code=?, message=? WHERE id=?",
                    [(s.value, c, None if m == explanation else m, sid) for sid, s, c, m, _ in rows],
                )

    def recover(self, flow_id: str | None = None) -> int:
        """Turn requests left without an outcome (the program stopped while they were in
        flight) into unconfirmed rows. Never re-sends anything. Returns how many rows changed.

        Call only while holding the flow's lock, so a live sender's request is not touched.
        """
        where = "r.outcome_at IS NULL" + (
            "" if flow_id is None else " AND r.campaign_id IN (SELECT id FROM campaigns WHERE flow_id=?)"
        )
        params: tuple = () if flow_id is None else (flow_id,)
        changed = 0
        with self._tx("recovering after an interrupted send") as db:
            found = db.execute(
                f"SELECT r.id, r.intent_at, r.first_send, r.last_send FROM requests_answered r WHERE {where}", params
            ).fetchall()
            for pk, at, first, last in found:
                note = (
                    f"Phonon Desktop stopped while this request was being sent ({at}). It may have "
                    "reached Phonon: check the Phonon console before sending these rows again."
                )
                db.execute(
                    "INSERT OR REPLACE INTO answers(request_pk, outcome_at, outcome, explanation) "
                    "VALUES (?,?,'interrupted',?)",
                    (pk, now_text(), note),
                )
                cur = db.execute(
                    "UPDATE sends SET status=?, message=NULL WHERE id BETWEEN ? AND ? AND request_pk=? AND status=?",
                    (RowStatus.UNCONFIRMED.value, first or 0, last or -1, pk, RowStatus.SENDING.value),
                )
                changed += cur.rowcount
        return changed

    # ---- the send lock ------------------------------------------------------------------

    def acquire_lock(self, campaign: Campaign) -> str:
        """Claim the right to send to this flow from this journal. Returns a token.

        Raises JournalError(reason="locked") with a plain sentence while another live program
        holds it. A lock left by a program that is no longer running, or not heard from for
        STALE_LOCK_SECONDS, is taken over.
        """
        token = os.urandom(8).hex()
        host = socket.gethostname()
        with self._tx("claiming the send lock") as db:
            held = db.execute(
                "SELECT pid, host, started_at, heartbeat FROM locks WHERE flow_id=?", (campaign.flow_id,)
            ).fetchone()
            if held is not None:
                pid, lock_host, started, beat = held
                alive = pid_is_running(pid) if lock_host == host else True
                if alive and time.time() - beat < STALE_LOCK_SECONDS:
                    raise JournalError(
                        f"Another send to flow {campaign.flow_id} is already running (started {started}, "
                        f"process {pid}). Wait for it to finish, or close the other Phonon Desktop window.",
                        reason="locked",
                    )
            db.execute(
                "INSERT OR REPLACE INTO locks(flow_id, campaign_id, pid, host, token, started_at, heartbeat) "
                "VALUES (?,?,?,?,?,?,?)",
                (campaign.flow_id, campaign.id, os.getpid(), host, token, now_text(), time.time()),
            )
        return token

    def heartbeat(self, flow_id: str, token: str) -> bool:
        """Renew the lock; False when it is no longer ours (taken over as stale meanwhile)."""
        with self._tx("renewing the send lock") as db:
            cur = db.execute("UPDATE locks SET heartbeat=? WHERE flow_id=? AND token=?", (time.time(), flow_id, token))
            return cur.rowcount == 1

    def release_lock(self, flow_id: str, token: str) -> None:
        with self._tx("releasing the send lock") as db:
            db.execute("DELETE FROM locks WHERE flow_id=? AND token=?", (flow_id, token))

    # ---- reading back -------------------------------------------------------------------

    def requests(self, campaign_id: int) -> Iterator[dict[str, Any]]:
        cols = (
            "id, batch_index, try_number, retry_of, body_sha256, body_bytes, call_count, url, intent_at, "
            "outcome_at, outcome, http_status, code, message, request_id, explanation"
        )
        names = [c.strip() for c in cols.split(",")]
        for rec in self._query(f"SELECT {cols} FROM requests_answered WHERE campaign_id=? ORDER BY id", (campaign_id,)):
            yield dict(zip(names, rec))

    def intent_time(self, request_pk: int) -> str | None:
        """When the intent of this request (or try) was recorded: when it left."""
        found = self._query("SELECT intent_at FROM requests WHERE id=?", (request_pk,))
        return found[0][0] if found else None

    def calls_sent(self, request_pk: int) -> list[dict[str, Any]]:
        """The calls of a request exactly as they were sent (without the security id)."""
        found = self._query("SELECT calls FROM requests WHERE id=?", (request_pk,))
        return json.loads(found[0][0]) if found and found[0][0] else []

    def attempts_of(self, flow_id: str, base_client_id: str) -> list[RowState]:
        """Every send of one row to a flow, oldest first: how its attempts are linked."""
        return [
            self._state(rec)
            for rec in self._query(
                self._STATE_SQL + "WHERE c.flow_id=? AND s.base_id=? ORDER BY s.id", (flow_id, base_client_id)
            )
        ]
