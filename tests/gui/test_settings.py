"""Preferences: flows in QSettings, security ids in the keyring (a test backend), never in files."""

from __future__ import annotations

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLineEdit

from phonon_desktop.gui.dialogs.preferences import PreferencesDialog
from phonon_desktop.gui.secrets import SERVICE, SecretStore
from phonon_desktop.gui.settings_store import SETTINGS_VERSION, FlowSettings, SendDefaults, SettingsStore

from window_helpers import MemoryKeyring

CANARY = "CANARY" + "x9" * 29  # 64 letters and digits
assert len(CANARY) == 64



@pytest.fixture
def memory_keyring():
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture
def settings_file(tmp_path):
    return tmp_path / "settings" / "Phonon Desktop.ini"


def make_store(path) -> SettingsStore:
    return SettingsStore(QSettings(str(path), QSettings.Format.IniFormat))


def files_containing(root, text: str) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


def test_flows_and_defaults_survive_a_restart(settings_file):
    store = make_store(settings_file)
    flows = [
        FlowSettings("Collections-Dec", "AB12cd34", "realtime", api_version="1.0"),
        FlowSettings("Reminders", "ZZ99yy88", "bulk", api_version="TEST", rate_per_minute=12_000),
    ]
    store.save_flows(flows)
    store.save_defaults(SendDefaults("Asia/Dubai", "10:00", "19:30"))
    store.set_current_flow("Reminders")

    again = make_store(settings_file)
    assert again.flows() == flows
    assert again.defaults() == SendDefaults("Asia/Dubai", "10:00", "19:30")
    assert again.current_flow().name == "Reminders"
    assert again.current_flow().effective_rate() == 12_000
    assert again.flows()[0].effective_rate() == 500  # the real-time endpoint's documented limit
    assert again.version() == SETTINGS_VERSION


def test_old_settings_are_migrated_and_their_plain_secret_moves_to_the_keyring(settings_file, memory_keyring):
    old = QSettings(str(settings_file), QSettings.Format.IniFormat)
    old.setValue("settings_version", 1)
    old.setValue("flow/id", "AB12cd34")
    old.setValue("flow/name", "Collections")
    old.setValue("flow/url", "https://central-api.phonon.io/kairos-apis/outbound/create")
    old.setValue("flow/security_id", CANARY)
    old.setValue("timezone", "Asia/Singapore")
    old.sync()
    del old

    secrets = SecretStore()
    store = SettingsStore(QSettings(str(settings_file), QSettings.Format.IniFormat), on_legacy_secret=secrets.set)

    assert store.migrated_from == 1
    assert store.flows() == [FlowSettings("Collections", "AB12cd34", "bulk")]
    assert store.defaults().time_zone == "Asia/Singapore"
    assert memory_keyring.store[(SERVICE, "AB12cd34")] == CANARY
    assert files_containing(settings_file.parent, CANARY[:20]) == []


def test_flow_problems_are_plain_sentences():
    flow = FlowSettings("", "abc", "url", url="http://example.com/x", api_version="PROD")
    problems = flow.problems()
    assert any("name" in p for p in problems)
    assert any("8 letters or digits" in p for p in problems)
    assert any("https://" in p for p in problems)
    assert FlowSettings("Ok", "AB12cd34", "url", url="http://127.0.0.1:8080/kairos").problems() == []
    assert SendDefaults("Mars/Olympus", "21:00", "09:00").problems() != []


def test_preferences_stores_the_secret_in_the_keyring_and_shows_it_masked(qtbot, settings_file, memory_keyring, tmp_path):
    store = make_store(settings_file)
    secrets = SecretStore()
    dialog = PreferencesDialog(store, secrets)
    qtbot.addWidget(dialog)

    dialog.add_flow()
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "Collections-Dec")
    qtbot.keyClicks(dialog.flow_id_edit, "AB12cd34")
    qtbot.keyClicks(dialog.secret_edit, CANARY)
    assert dialog.secret_edit.echoMode() == QLineEdit.EchoMode.Password
    assert CANARY not in dialog.secret_edit.displayText()
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted

    assert memory_keyring.store[(SERVICE, "AB12cd34")] == CANARY
    assert store.flows()[0].name == "Collections-Dec"
    assert files_containing(tmp_path, CANARY[:20]) == []

    # Reopened: the secret is never put back into a widget; only its last 4 characters show.
    again = PreferencesDialog(make_store(settings_file), secrets)
    qtbot.addWidget(again)
    assert again.secret_edit.text() == ""
    assert again.secret_edit.displayText() != CANARY
    assert CANARY[-4:] in again.secret_state.text()
    assert CANARY[:-4] not in again.secret_state.text()


def test_preferences_refuses_a_wrong_flow_id_with_words_in_place(qtbot, settings_file, memory_keyring):
    dialog = PreferencesDialog(make_store(settings_file), SecretStore())
    qtbot.addWidget(dialog)
    dialog.add_flow()
    qtbot.keyClicks(dialog.flow_id_edit, "12")
    qtbot.keyClicks(dialog.secret_edit, "short")
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "8 letters or digits" in dialog.problem_label.text()
    assert "64 letters and digits" in dialog.problem_label.text()
    assert memory_keyring.store == {}


def test_without_a_keyring_the_secret_is_kept_for_the_session_only(qtbot, settings_file, tmp_path):
    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        secrets = SecretStore()
        dialog = PreferencesDialog(make_store(settings_file), secrets)
        qtbot.addWidget(dialog)
        assert "only until you close the program" in dialog.keyring_note.text()
        dialog.add_flow()
        qtbot.keyClicks(dialog.flow_id_edit, "AB12cd34")
        qtbot.keyClicks(dialog.secret_edit, CANARY)
        dialog.accept()
        assert secrets.get("AB12cd34") == CANARY
        assert secrets.is_session_only("AB12cd34")
        assert files_containing(tmp_path, CANARY[:20]) == []
        assert SecretStore().get("AB12cd34") is None  # a new run of the program does not have it
    finally:
        keyring.set_keyring(before)


def test_correcting_a_flow_id_keeps_its_secret(qtbot, settings_file, memory_keyring):
    store = make_store(settings_file)
    store.save_flows([FlowSettings("Collections", "AB12cd34")])
    secrets = SecretStore()
    secrets.set("AB12cd34", CANARY)
    dialog = PreferencesDialog(store, secrets)
    qtbot.addWidget(dialog)
    dialog.flow_id_edit.clear()
    qtbot.keyClicks(dialog.flow_id_edit, "AB12cd35")
    dialog.accept()
    assert memory_keyring.store == {(SERVICE, "AB12cd35"): CANARY}
