"""The security id never leaves memory except inside the request: a canary run (section C)."""

from __future__ import annotations

import http.client
import json
import logging
import zipfile

import pytest

from phonon_desktop.cli import main
from phonon_desktop.kairos.sandbox import Sandbox
from test_send_kit import CANARY, FLOW

pytestmark = pytest.mark.timeout(60)


def test_canary_security_id_is_nowhere_but_in_the_requests(tmp_path, monkeypatch, caplog, capfd):
    folder = tmp_path / "data folder"
    folder.mkdir()
    (folder / "contacts.csv").write_text(
        "Customer ID,Mobile,Name\n" + "".join(f"C{i},91801234{i:04d},N{i}\n" for i in range(700)), encoding="utf-8"
    )
    (folder / "mapping.json").write_text(
        json.dumps({"contact_numbers": ["Mobile"], "client_identifier": "Customer ID", "keys": {"Name": "Name"}}),
        encoding="utf-8",
    )
    monkeypatch.setenv("PHONON_SECURITY_ID", CANARY)
    caplog.set_level(logging.DEBUG)
    args = ["submit", str(folder / "contacts.csv"), "--mapping", str(folder / "mapping.json"), "--flow-id", FLOW,
            "--journal", str(folder / "journal.sqlite3")]
    with Sandbox() as sandbox:
        # every path that writes something: a dropped answer, a refusal, a server error, success
        sandbox.inject("drop", "503", "code:205")
        main([*args, "--endpoint", sandbox.url, "--results", str(folder / "results.xlsx")])
        main([*args, "--endpoint", sandbox.url, "--results", str(folder / "results.csv"), "--resubmit-failed"])
        assert any(CANARY.encode() in r.body for r in sandbox.received)  # the canary did travel
    main([*args, "--endpoint", "http://127.0.0.1:9/kairos-apis/outbound/create"])  # refused connection
    captured = capfd.readouterr()
    assert CANARY not in captured.out + captured.err
    assert CANARY not in caplog.text
    assert all(CANARY not in str(r.args) for r in caplog.records)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name.startswith("journal.sqlite3") for p in files) and (folder / "results.xlsx").exists()
    for path in files:
        data = path.read_bytes()
        if zipfile.is_zipfile(path):  # a workbook: look inside its compressed parts
            with zipfile.ZipFile(path) as z:
                data += b"".join(z.read(name) for name in z.namelist())
        assert CANARY.encode() not in data, path
        assert CANARY.encode("utf-16-le") not in data, path
    assert http.client.HTTPConnection.debuglevel == 0
