"""Sending from the window: Send, Test call, progress, statuses, resubmission, export, history.

``attach_sending(window)`` adds the sending actions to a ``MainWindow`` and returns the
``SendController`` that runs them. The window is only watched: what is sent comes from the
campaign plan, every request goes through ``campaign.send.Submission`` (journal first), and
the slow parts (preparing, sending, reading the journal, writing results) run off the GUI
thread so the window never freezes.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from phonon_desktop.gui.dialogs.history import HistoryDialog
from phonon_desktop.gui.dialogs.preferences import PreferencesDialog
from phonon_desktop.gui.dialogs.send_confirm import (
    SendConfirmDialog,
    SendSummary,
    TestCallDialog,
    UnconfirmedResubmitDialog,
    plural,
    start_words,
)
from phonon_desktop.gui.secrets import SecretStore, default_secret_store
from phonon_desktop.gui.send_progress import SendProgress
from phonon_desktop.gui.settings_store import SettingsStore
from phonon_desktop.gui.status_style import StatusLegend, status_style
from phonon_desktop.gui.workers.send_worker import BatchUpdate, RunEnd, SendJob, Task, WorkerThread
from phonon_desktop.gui import send_support as support
from phonon_desktop.gui import shortcuts

log = logging.getLogger(__name__)
FLUSH_MS = 150  # the longest a request's answer waits before the table shows it


class SendController(QObject):
    """Everything the operator does to send the loaded list, wired to one MainWindow."""

    def __init__(
        self,
        window: Any,
        *,
        settings: SettingsStore | None = None,
        secrets: SecretStore | None = None,
        journal_path: str | os.PathLike[str] | None = None,
        unlimited_sandbox: bool = True,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.secrets = secrets or default_secret_store()
        self.settings = settings or SettingsStore(on_legacy_secret=self.secrets.set)
        self.journal_path = journal_path
        self._journal: Any = None
        self.unlimited_sandbox = unlimited_sandbox  # the practice server needs no rate limit
        self.busy = False  # from Send pressed until the run has ended: Send cannot fire twice
        self._frozen = False
        self.job: SendJob | None = None
        self._threads: list[WorkerThread] = []
        self._close_when_done = False
        self._started_at = 0.0
        self._calls_done = 0
        self._total_calls = 0
        self._stop: tuple[str, str | None] | None = None  # (explanation, who fixes it)
        self.request_ids: dict[int, str] = {}  # row -> request id, for unconfirmed rows
        self._shown: dict[int, tuple[str, str | None]] = {}  # file row -> status and tooltip shown
        self._sheet: Any = None
        self.loaded_fingerprint: str | None = None
        self.campaign_ids: set[int] = set()
        self._reopened: dict[int, Any] | None = None  # row -> journal state, waiting for a plan
        self.last_run: RunEnd | None = None
        self.results = support.RowResults(0)  # per row: code, message, request id... (for Export)
        self.last_test_call: Any = None

        self._pending: list[BatchUpdate] = []
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self._flush_batches)
        self.progress = SendProgress()
        self.progress.cancel_button.clicked.connect(self.cancel)
        self.progress.flow_combo.activated.connect(self._flow_chosen)
        window.add_status_widget(self.progress)
        self._fill_flows()

        window.table_model.set_status_style(status_style)
        window.send_requested.connect(self.send)
        window.test_call_requested.connect(self.test_call)
        window.sheet_loaded.connect(self._sheet_loaded)
        window.plan_changed.connect(self._plan_changed)
        window.installEventFilter(self)
        self._add_actions()

    # ----- set-up ---------------------------------------------------------------------------

    def _add_actions(self) -> None:
        menus = getattr(self.window, "menus", {}) or {}
        campaign = menus.get("campaign")
        edit = menus.get("edit") or campaign
        view = menus.get("view") or campaign

        def add(menu: Any, text: str, slot: Callable[[], object], shortcut: str | None = None) -> QAction:
            action = QAction(text, self.window)
            if shortcut:  # a name in gui.shortcuts, where every key of the window is listed
                action.setShortcuts(shortcuts.keys(shortcut))
            action.triggered.connect(lambda _=False: slot())
            if menu is not None:
                menu.addAction(action)
            return action

        self.preferences_action = add(edit, "Preferences…", self.open_preferences, "preferences")
        if campaign is not None:
            campaign.addSeparator()
        self.resubmit_action = add(campaign, "Resubmit selected rejected rows", self.resubmit_selected_rejected)
        self.resubmit_all_action = add(campaign, "Resubmit all rejected rows", self.resubmit_all_rejected)
        self.resubmit_unconfirmed_action = add(
            campaign, "Send selected unconfirmed rows again…", self.resubmit_unconfirmed
        )
        self.continue_action = add(campaign, "Continue an interrupted send", self.send)
        if campaign is not None:
            campaign.addSeparator()
        self.export_action = add(campaign, "Export results…", self.export_results, "export_results")
        self.history_action = add(campaign, "History of this list…", self.show_history, "history")
        self.legend_action = add(view, "Status colours", self.show_legend)
        self._legend: StatusLegend | None = None

    def sandbox(self) -> Any:
        fn = getattr(self.window, "sandbox", None)
        return fn() if callable(fn) else None

    def journal(self) -> Any:
        """The send journal, opened on first use (JournalError carries words if it cannot be)."""
        if self._journal is None:
            from phonon_desktop.campaign.journal import Journal

            self._journal = Journal(self.journal_path)
        return self._journal

    def _fill_flows(self) -> None:
        combo = self.progress.flow_combo
        combo.clear()
        if self.sandbox() is not None:
            combo.addItem("Sandbox practice flow", None)
            combo.setEnabled(False)
            return
        flows = self.settings.flows()
        for flow in flows:
            combo.addItem(f"{flow.name} ({flow.version_words()})", flow.name)
        if not flows:
            combo.addItem("No flow yet: open Preferences", None)
        current = self.settings.current_flow()
        if current is not None:
            combo.setCurrentIndex(max(0, combo.findData(current.name)))
        combo.setEnabled(bool(flows))

    def _flow_chosen(self, index: int) -> None:
        name = self.progress.flow_combo.itemData(index)
        if name:
            self.settings.set_current_flow(name)

    # ----- who and where ----------------------------------------------------------------------

    def target(self) -> tuple[Any, str] | None:
        """(FlowTarget, flow name for the operator), or None after saying what is missing."""
        from phonon_desktop.campaign.send import FlowTarget

        box = self.sandbox()
        if box is not None:
            from phonon_desktop.kairos.sandbox import DEMO_FLOW_ID, DEMO_SECURITY_ID

            return FlowTarget(DEMO_FLOW_ID, DEMO_SECURITY_ID, box.url, "1.0", box.mode, None), "Sandbox practice flow"
        flow = self.settings.current_flow()
        if flow is None:
            self.window.show_banner(
                "No flow is set up yet. Add your Phonon flow (its flow id and security id) in Preferences.",
                "warning", "Preferences…", self.open_preferences,
            )
            return None
        problems = flow.problems()
        secret = self.secrets.get(flow.flow_id)
        if not problems and not secret:
            problems = [f"Flow {flow.name} has no security id yet: paste it in Preferences."]
        if problems:
            self.window.show_banner(" ".join(problems), "warning", "Preferences…", self.open_preferences)
            return None
        target = FlowTarget(
            flow.flow_id, secret, flow.resolved_url(), flow.api_version, flow.client_endpoint(), flow.effective_rate()
        )
        return target, flow.name

    def _client_and_limiter(self, target: Any) -> tuple[Any, Any]:
        from phonon_desktop.kairos.client import Client
        from phonon_desktop.kairos.ratelimit import RateLimiter

        rate = None if (self.sandbox() is not None and self.unlimited_sandbox) else target.rate_per_minute
        return Client(target.url, endpoint=target.endpoint), RateLimiter(rate)

    # ----- running work off the GUI thread ----------------------------------------------------

    def _run_task(self, fn: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[Exception], None]) -> None:
        task = Task(fn)
        thread = WorkerThread(task, task.done, "send-task")
        relay = _Relay(self, done, failed)
        task.done.connect(relay.on_done)
        task.failed.connect(relay.on_failed)
        self._keep(thread, relay)
        thread.start()

    def _keep(self, thread: WorkerThread, relay: "_Relay | None" = None) -> None:
        relay = relay or _Relay(self)
        relay.thread = thread
        self._threads.append(thread)
        thread.finished.connect(relay.on_thread_finished)

    def _forget(self, thread: WorkerThread) -> None:
        # Python owns the thread and its worker (no Qt parent): dropping them frees them.
        if thread in self._threads:
            self._threads.remove(thread)

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        """Block until every worker thread has finished (for closing and for tests)."""
        deadline = time.monotonic() + timeout_ms / 1000
        for thread in list(self._threads):
            left = max(0, int((deadline - time.monotonic()) * 1000))
            if not thread.wait(left):
                return False
        return True

    # ----- Send --------------------------------------------------------------------------------

    @Slot()
    def send(self, *, rows: np.ndarray | None = None, resubmit_failed: bool = False,
             resubmit_unconfirmed: bool = False, what: str = "") -> None:
        if self.busy:
            return  # a second press while preparing, confirming or sending does nothing
        plan = self.window.current_plan()
        if plan is None:
            self.window.show_banner("Open a list and choose its number column before sending.", "info")
            return
        found = self.target()
        if found is None:
            return
        target, flow_name = found
        self._set_busy(True)
        self.progress.show_message("Checking what was already sent…")

        def prepare() -> Any:
            from phonon_desktop.campaign.send import Submission

            return Submission.prepare(
                plan, target, self.journal(), rows=rows,
                resubmit_failed=resubmit_failed, resubmit_unconfirmed=resubmit_unconfirmed,
            )

        # Preparing builds an object per row; a full collection over them would pause the
        # GUI thread too. Collections resume (with those objects set aside) once it is done.
        gc.disable()
        self._run_task(
            prepare,
            lambda submission: self._confirm_and_start(submission, plan, target, flow_name, what),
            self._prepare_failed,
        )

    def _prepared(self) -> None:
        if self._frozen:
            gc.freeze()
        gc.enable()

    def _prepare_failed(self, exc: Exception) -> None:
        gc.enable()
        self._set_busy(False)
        self.progress.show_idle()
        message = getattr(exc, "message", None) or (
            f"Sending could not start ({type(exc).__name__}). Nothing was sent. Check the list and the "
            "flow in Preferences, then press Send again."
        )
        if not getattr(exc, "message", None):
            log.error("preparing a send failed: %s", type(exc).__name__)
        self.window.show_banner(message, "error")

    def _confirm_and_start(self, submission: Any, plan: Any, target: Any, flow_name: str, what: str) -> None:
        self._prepared()
        self.campaign_ids.add(getattr(getattr(submission, "campaign", None), "id", -1))
        self._show_skipped(submission)
        if submission.total_calls == 0:
            submission.release()
            self._set_busy(False)
            self.progress.show_idle()
            self.window.show_banner(support.nothing_to_send_text(submission, plan), "info")
            self._finish_close_if_asked()
            return
        if self._close_when_done:  # the operator closed the window while this was prepared
            submission.release()
            self._set_busy(False)
            self._finish_close_if_asked()
            return
        if self.sandbox() is None:
            summary = support.send_summary(submission, plan, target, flow_name, what)
            dialog = SendConfirmDialog(summary, self.window)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                submission.release()
                self._set_busy(False)
                self.progress.show_idle()
                return
        self._start(submission, target)

    def _show_skipped(self, submission: Any) -> None:
        skipped = list(getattr(submission, "skipped", []) or [])
        if not skipped:
            return
        # Rows already shown as accepted keep that word and their tooltip; the others (a copy
        # of the list, a list edited since) say they were accepted in an earlier send.
        shown = self.window.table_model.statuses()
        skipped = [s for s in skipped if not (0 <= s.row < len(shown) and shown[s.row] == "accepted")]
        if not skipped:
            return
        rows = np.asarray([s.row for s in skipped], dtype=np.int64)
        tips = [
            f"Already accepted{' on ' + s.sent_at if s.sent_at else ''} (request id {s.request_id or 'unknown'}); "
            f"not sent again. Matched by {s.matched_by}."
            for s in skipped
        ]
        self._show(rows, np.full(rows.size, "skipped", dtype=object), tips)
        self._results_for(rows.max() + 1).update(
            rows,
            message=["Already accepted earlier; not sent again."] * rows.size,
            request_id=[s.request_id for s in skipped],
            client_id=[s.client_id for s in skipped],
            sent_at=[s.sent_at for s in skipped],
        )

    def _show(self, rows: np.ndarray, statuses: np.ndarray, tooltips: list[str] | None = None) -> None:
        """Statuses into the table, remembered by file row so that leaving rows out keeps them."""
        rows = np.asarray(rows, dtype=np.int64)
        self.window.table_model.set_statuses(rows, statuses, tooltips)
        sheet = self.window.current_sheet()
        if sheet is None or not rows.size:
            return
        file_rows = np.asarray(sheet.source_rows)[rows].tolist()
        tips = tooltips if tooltips is not None else [None] * len(file_rows)
        for file_row, status, tip in zip(file_rows, np.asarray(statuses).tolist(), tips):
            old_tip = self._shown.get(file_row, (None, None))[1]
            self._shown[file_row] = (status, tip if tip is not None else old_tip)

    def _carry_over(self, old: Any, new: Any) -> None:
        """A changed copy of the same list (rows left out or put back): keep each unchanged row's status."""
        shown, results, ids = self._shown, self.results, self.request_ids
        self._shown, self.results, self.request_ids = {}, support.RowResults(0), {}
        if old is None or new is None or old.path != new.path or list(old.headers) != list(new.headers):
            return
        old_rows = {int(f): i for i, f in enumerate(np.asarray(old.source_rows).tolist())}
        pairs = [(old_rows[int(f)], j) for j, f in enumerate(np.asarray(new.source_rows).tolist()) if int(f) in old_rows]
        if not pairs or not shown:
            return
        before = np.asarray([a for a, _ in pairs], dtype=np.int64)
        after = np.asarray([b for _, b in pairs], dtype=np.int64)
        same = (old.data.to_numpy(dtype=object)[before] == new.data.to_numpy(dtype=object)[after]).all(axis=1)
        before, after = before[same], after[same]
        self.results = support.RowResults(new.row_count)
        files = np.asarray(new.source_rows)[after].tolist()
        keep = [(b, f) for b, f in zip(after.tolist(), files) if f in shown]
        if keep:
            rows = np.asarray([b for b, _ in keep], dtype=np.int64)
            self._show(rows, np.asarray([shown[f][0] for _, f in keep], dtype=object), [shown[f][1] for _, f in keep])
        if len(results):
            usable = before < len(results)
            for name, column in results.columns.items():
                self.results.columns[name][after[usable]] = column[before[usable]]
        for a, b in zip(before.tolist(), after.tolist()):
            if a in ids:
                self.request_ids[b] = ids[a]

    def _results_for(self, min_rows: int) -> support.RowResults:
        sheet = self.window.current_sheet()
        n = max(int(min_rows), sheet.row_count if sheet is not None else 0)
        if len(self.results) < n:
            old = self.results
            self.results = support.RowResults(n)
            for name, column in old.columns.items():
                self.results.columns[name][: len(column)] = column
        return self.results

    def _start(self, submission: Any, target: Any) -> None:
        client, limiter = self._client_and_limiter(target)
        all_rows = np.concatenate(submission.batches) if submission.batches else np.zeros(0, dtype=np.int64)
        self.window.set_rows_read_only(all_rows)
        self._set_busy(True)  # set_rows_read_only lets the window re-enable Send: keep it off
        self.window.hide_banner()
        self._stop = None
        self._started_at = time.monotonic()
        self._calls_done = 0
        self._total_calls = int(submission.total_calls)
        self.progress.start(len(submission.batches), self._total_calls)
        job = SendJob(submission, client, limiter)
        self.job = job
        thread = WorkerThread(job, job.run_finished, "send")
        job.batch_started.connect(self._on_batch_started)
        job.batch_finished.connect(self._on_batch)
        job.run_finished.connect(self._on_run_end)
        self._keep(thread)
        thread.start()

    @Slot(object)
    def _on_batch_started(self, rows: np.ndarray) -> None:
        self._show(rows, np.full(len(rows), "sending", dtype=object))

    @Slot(object)
    def _on_batch(self, update: BatchUpdate) -> None:
        if self._frozen:
            gc.freeze()  # what this request added joins the set-aside objects (see _set_busy)
        if update.request_id:
            for row in update.rows[update.statuses == "unconfirmed"].tolist():
                self.request_ids[row] = update.request_id
        if update.stop and self._stop is None:
            self._stop = (update.stop, update.fixer)
        # Requests answered faster than the eye can follow are shown together: each table
        # update repaints the whole visible table, so at most a few per second.
        self._pending.append(update)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush_batches(self) -> None:
        self._flush_timer.stop()
        pending, self._pending = self._pending, []
        if not pending:
            return
        model = self.window.table_model
        rows = np.concatenate([u.rows for u in pending])
        statuses = np.concatenate([u.statuses for u in pending])
        tooltips = [t for u in pending for t in u.tooltips]
        self._show(rows, statuses, tooltips)
        results = self._results_for(int(rows.max()) + 1 if rows.size else 0)
        for u in pending:
            if u.rows.size:
                results.update(
                    u.rows, code=u.codes, message=u.messages, request_id=u.request_id,
                    phonon_uuid=u.phonon_uuids, client_id=u.client_ids, sent_at=u.sent_at,
                )
        last = pending[-1]
        if last.next_rows is not None:
            self._show(last.next_rows, np.full(len(last.next_rows), "sending", dtype=object))
        self._calls_done += sum(u.calls for u in pending)
        elapsed = max(time.monotonic() - self._started_at, 1e-6)
        rate = self._calls_done / elapsed * 60
        left = (self._total_calls - self._calls_done) / rate * 60 if rate else None
        self.progress.advance(last.batch_index + 1, last.batch_count, last.accepted_so_far, rate, left)

    @Slot(object)
    def _on_run_end(self, end: RunEnd) -> None:
        self._flush_batches()
        self.last_run = end
        self.job = None
        model = self.window.table_model
        if end.not_sent_rows.size:
            why = (
                "You cancelled the send before this row's turn; press Send to send it."
                if end.cancelled and not end.stop
                else "The send stopped before this row's turn (see the message at the top); press Send "
                "to send it once that is fixed."
            )
            self._show(
                end.not_sent_rows,
                np.full(end.not_sent_rows.size, "not sent", dtype=object),
                [f"Not sent. {why}"] * int(end.not_sent_rows.size),
            )
        in_flight = np.flatnonzero(model.statuses() == "sending")
        if in_flight.size:  # only after an unexpected failure: the journal knows no answer for them
            self._show(
                in_flight,
                np.full(in_flight.size, "unconfirmed", dtype=object),
                ["Sent, no answer: check the Phonon console before sending this row again."] * int(in_flight.size),
            )
        self.window.set_rows_read_only(None)
        self._set_busy(False)
        self.progress.finish(end)
        text, level, action = support.run_end_banner(end, self._stop)
        if action == "preferences":
            self.window.show_banner(text, level, "Preferences…", self.open_preferences)
        elif action == "rejected":
            self.window.show_banner(text, level, "Show rejected rows", self.show_rejected)
        else:
            self.window.show_banner(text, level)
        self._finish_close_if_asked()

    @Slot()
    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.progress.show_stopping()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        # A full garbage collection walks every object of a million-row list and stops every
        # thread, the GUI's too, for hundreds of milliseconds. While sending, what exists
        # already is set aside from collection (gc.freeze) and given back afterwards.
        if busy and not self._frozen:
            gc.freeze()
            self._frozen = True
        elif not busy and self._frozen:
            gc.unfreeze()
            self._frozen = False
        if hasattr(self.window, "set_sending_busy"):
            self.window.set_sending_busy(busy)  # the window decides what Send offers
        else:
            for name in ("send_button", "test_call_button"):
                button = getattr(self.window, name, None)
                if button is not None:
                    button.setEnabled(not busy)
        for action in (self.resubmit_action, self.resubmit_all_action, self.resubmit_unconfirmed_action,
                       self.continue_action, self.preferences_action):
            action.setEnabled(not busy)
        self.progress.flow_combo.setEnabled(not busy and self.sandbox() is None and bool(self.settings.flows()))

    # ----- resubmitting -------------------------------------------------------------------------

    def _rows_with(self, status: str, rows: np.ndarray | None = None) -> np.ndarray:
        statuses = self.window.table_model.statuses()
        if rows is None:
            return np.flatnonzero(statuses == status).astype(np.int64)
        rows = np.asarray(rows, dtype=np.int64)
        return rows[statuses[rows] == status] if rows.size else rows

    def resubmit_selected_rejected(self) -> None:
        rows = self._rows_with("rejected", self.window.selected_rows())
        if not rows.size:
            self.window.show_banner(
                "Select rows whose status is Rejected first (or choose Resubmit all rejected rows).", "info"
            )
            return
        self.send(rows=rows, resubmit_failed=True, what="rejected")

    def resubmit_all_rejected(self) -> None:
        rows = self._rows_with("rejected")
        if not rows.size:
            self.window.show_banner("No row is rejected: nothing to resubmit.", "info")
            return
        self.send(rows=rows, resubmit_failed=True, what="rejected")

    def resubmit_unconfirmed(self) -> None:
        if self.busy:
            return
        rows = self._rows_with("unconfirmed", self.window.selected_rows())
        if not rows.size:
            self.window.show_banner(
                "Select the unconfirmed rows to send again, after checking in the Phonon console that "
                "their calls were not placed.", "info",
            )
            return
        ids = sorted({self.request_ids[r] for r in rows.tolist() if r in self.request_ids})
        dialog = UnconfirmedResubmitDialog(int(rows.size), ids, self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.send(rows=rows, resubmit_unconfirmed=True, what="unconfirmed")

    def show_rejected(self) -> None:
        bar = getattr(self.window, "filter_bar", None)
        if bar is not None and hasattr(bar, "show_choice"):
            bar.show_choice("Rejected")

    # ----- test call ----------------------------------------------------------------------------

    @Slot()
    def test_call(self) -> None:
        if self.busy:
            return
        plan = self.window.current_plan()
        if plan is None:
            self.window.show_banner("Open a list and choose its number column before a test call.", "info")
            return
        found = self.target()
        if found is None:
            return
        target, flow_name = found
        sendable = np.asarray(plan.sendable_rows(), dtype=np.int64)
        if not sendable.size:
            self.window.show_banner("No row of the list can be sent yet, so there is nothing to test with.", "info")
            return
        selected = np.asarray(self.window.selected_rows(), dtype=np.int64)
        chosen = selected[np.isin(selected, sendable)]
        first = int(chosen[0]) if chosen.size else int(sendable[0])
        dialog = TestCallDialog(
            first, plan.sheet.row_count, flow_name, self.window, file_rows=np.asarray(plan.sheet.source_rows).tolist()
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        row, number = dialog.row(), dialog.number()
        if row not in set(sendable.tolist()):
            number_shown = int(plan.sheet.source_rows[row])
            self.window.show_banner(f"Row {number_shown} cannot be sent (it has an error); choose another row.", "warning")
            return
        self._set_busy(True)
        self.progress.show_message(f"Test call to {number}…")
        zone = self.settings.defaults().time_zone

        def run() -> Any:
            from phonon_desktop.campaign.send import Submission

            test_plan = support.TestCallPlan(plan, row, number, zone)
            submission = Submission.prepare(test_plan, target, self.journal(), send_accepted_again=True)
            client, limiter = self._client_and_limiter(target)
            results = list(submission.run(client, limiter))
            return results[0] if results else None

        self._run_task(run, self._test_call_done, self._test_call_failed)

    def _test_call_done(self, result: Any) -> None:
        self._set_busy(False)
        self.progress.show_idle()
        self.last_test_call = result
        self.window.show_banner(support.test_call_text(result), support.test_call_level(result))

    def _test_call_failed(self, exc: Exception) -> None:
        self._prepare_failed(exc)

    # ----- reopening a list ---------------------------------------------------------------------

    @Slot(object)
    def _sheet_loaded(self, sheet: Any) -> None:
        previous, self._sheet = self._sheet, sheet
        self.loaded_fingerprint = None
        self._reopened = None
        try:
            self._carry_over(previous, sheet)
        except Exception:  # noqa: BLE001 - never stop a list from opening; the journal still knows
            log.exception("statuses could not be carried over to the changed list")
            self._shown, self.results, self.request_ids = {}, support.RowResults(0), {}
        if sheet is None:
            return

        def read() -> Any:
            from phonon_desktop.campaign.journal import sheet_fingerprint

            fp = sheet_fingerprint(sheet)
            return fp, support.journal_states(self.journal(), fp)

        self._run_task(read, lambda found: self._show_reopened(sheet, *found), self._journal_unreadable)

    def _journal_unreadable(self, exc: Exception) -> None:
        message = getattr(exc, "message", None)
        if message:
            self.window.show_banner(message, "error")
        else:
            log.error("reading the journal failed: %s", type(exc).__name__)

    def _show_reopened(self, sheet: Any, fingerprint: str, found: tuple[list[Any], dict[int, Any]]) -> None:
        if self.window.current_sheet() is not sheet:
            return  # another list was opened meanwhile
        self.loaded_fingerprint = fingerprint
        campaigns, states = found
        if not states:
            return
        rows, statuses, tips, ids = support.states_for_table(states, sheet.row_count)
        self._show(rows, statuses, tips)
        self.request_ids.update(ids)
        self._results_for(sheet.row_count).update_from_states(states)
        self._reopened = states
        self.window.show_banner(*support.reopen_banner(campaigns, statuses, None), "History…", self.show_history)
        plan = self.window.current_plan()
        if plan is not None:
            self._plan_changed(plan)

    @Slot(object)
    def _plan_changed(self, plan: Any) -> None:
        if self.busy:
            self._set_busy(True)  # the window re-enables Send after each check; not while sending
            return
        if self._reopened is None or plan is None:
            return
        states, self._reopened = self._reopened, None
        sendable = np.asarray(plan.sendable_rows(), dtype=np.int64)
        waiting = int(np.count_nonzero(~np.isin(sendable, np.fromiter(states.keys(), dtype=np.int64))))
        campaigns = []
        if waiting:
            text = (
                f"This list was partly sent before: {plural(waiting, 'row')} not sent yet. Press Continue to send "
                "them; rows already accepted are skipped."
            )
            self.window.show_banner(text, "warning", "Continue sending", self.send)
        del campaigns

    # ----- dialogs ------------------------------------------------------------------------------

    def open_preferences(self) -> None:
        if self.busy:
            return
        before = self.settings.defaults()
        dialog = PreferencesDialog(self.settings, self.secrets, self.window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._fill_flows()
            self.window.hide_banner()
            after = self.settings.defaults()
            if (after.calling_from, after.calling_until) != (before.calling_from, before.calling_until):
                self.window.replan()  # the open list's warnings follow the new calling hours at once

    def show_history(self) -> None:
        sheet = self.window.current_sheet()
        if sheet is None:
            self.window.show_banner("Open a list to see what was sent from it.", "info")
            return
        from phonon_desktop.campaign.journal import sheet_fingerprint

        try:
            fingerprints = {sheet_fingerprint(sheet)} | ({self.loaded_fingerprint} - {None})
            campaigns = support.history_campaigns(self.journal(), fingerprints, self.campaign_ids)
        except Exception as exc:  # noqa: BLE001 - a journal problem is said in words
            self._journal_unreadable(exc)
            return
        names = {f.flow_id: f.name for f in self.settings.flows()}
        path = self.window.source_path() or ""
        dialog = HistoryDialog(campaigns, lambda fid: names.get(fid, fid), Path(path).name, self.window)
        dialog.exec()

    def show_legend(self) -> None:
        if self._legend is None:
            self._legend = StatusLegend()
            self._legend.setWindowFlag(Qt.WindowType.Tool)
        self._legend.show()
        self._legend.raise_()

    # ----- export -------------------------------------------------------------------------------

    def export_results(self, path: str | None = None) -> None:
        sheet = self.window.current_sheet()
        if sheet is None:
            self.window.show_banner("Open a list first: there are no results to export.", "info")
            return
        if path is None:
            source = Path(self.window.source_path() or "results.xlsx")
            suggested = str(source.with_name(f"{source.stem} - results.xlsx"))
            path, _ = QFileDialog.getSaveFileName(
                self.window, "Export results", suggested, "Excel workbook (*.xlsx);;CSV (*.csv)"
            )
            if not path:
                return
        statuses = self.window.table_model.statuses()
        extra, colours = support.results_columns(statuses, self._results_for(len(statuses)), self.window.current_plan())
        self.progress.show_message("Writing results…")
        self._run_task(
            lambda: support.write_results_file(sheet, extra, colours, path),
            lambda written: self._exported(written),
            self._export_failed,
        )

    def _exported(self, path: str) -> None:
        self.progress.show_idle()
        self.window.show_banner(f"Results written to {path}.", "info")

    def _export_failed(self, exc: Exception) -> None:
        self.progress.show_idle()
        message = getattr(exc, "message", None)
        if message is None and isinstance(exc, PermissionError):
            message = (
                f"The results file {getattr(exc, 'filename', '')} is open in another program (Excel?). "
                "Close it there, or choose another name, and export again."
            )
        self.window.show_banner(message or f"The results could not be written ({type(exc).__name__}).", "error")

    # ----- closing mid-send ---------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if watched is self.window and event.type() == QEvent.Type.Close and self.busy:
            if self._close_when_done:
                event.ignore()
                return True
            if self.ask_stop_and_close():
                self._close_when_done = True
                self.cancel()
            event.ignore()
            return True
        return False

    def ask_stop_and_close(self) -> bool:
        answer = QMessageBox.question(
            self.window,
            "Calls are being sent",
            "Calls are being sent. Stop after the request in flight and close?\n\n"
            "The request already on its way is waited for, so every row keeps a true status.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _finish_close_if_asked(self) -> None:
        if self._close_when_done and not self.busy:
            self._close_when_done = False
            self.window.close()


class _Relay(QObject):
    """Lives on the GUI thread, so a worker's signals reach these callbacks there (queued)."""

    def __init__(self, controller: SendController, done: Callable[[Any], None] | None = None,
                 failed: Callable[[Exception], None] | None = None) -> None:
        super().__init__(controller)
        self.controller = controller
        self._done, self._failed = done, failed
        self.thread: WorkerThread | None = None

    @Slot(object)
    def on_done(self, value: Any) -> None:
        if self._done is not None:
            self._done(value)

    @Slot(object)
    def on_failed(self, exc: Any) -> None:
        if self._failed is not None:
            self._failed(exc)

    @Slot()
    def on_thread_finished(self) -> None:
        if self.thread is not None:
            self.controller._forget(self.thread)
        self.deleteLater()


def attach_sending(window: Any, **options: Any) -> SendController:
    """Add sending to a MainWindow; options go to ``SendController`` (settings, secrets, journal_path)."""
    controller = SendController(window, **options)
    window.send_controller = controller
    return controller
