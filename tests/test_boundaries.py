"""Only phonon_desktop.gui may import Qt: the headless commands must start without it."""

import ast
import pathlib
import subprocess
import sys

import phonon_desktop

PACKAGE = pathlib.Path(phonon_desktop.__file__).parent


def test_no_module_outside_gui_imports_qt():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "gui":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in {"PySide6", "PyQt5", "PyQt6", "shiboken6"} for n in names):
                offenders.append(f"{rel}:{node.lineno}")
    assert offenders == []


def test_headless_commands_start_without_qt():
    code = (
        "import sys, phonon_desktop.cli\n"
        "for m in ('kairos', 'sheets', 'campaign'):\n"
        "    __import__('phonon_desktop.' + m)\n"
        "import pkgutil, importlib\n"
        "for pkg in ('kairos', 'sheets', 'campaign'):\n"
        "    p = importlib.import_module('phonon_desktop.' + pkg)\n"
        "    for info in pkgutil.iter_modules(p.__path__):\n"
        "        importlib.import_module(f'phonon_desktop.{pkg}.{info.name}')\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
