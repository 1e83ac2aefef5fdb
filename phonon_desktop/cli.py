"""Command line entry point: `phonon-desktop [FILE] [--sandbox]`, `submit`, `sandbox`.

The window is imported lazily so that the headless commands start fast and never need Qt
or a display.
"""

from __future__ import annotations

import argparse
import sys

from phonon_desktop import APP_NAME, __version__

QT_LINUX_PACKAGES = (
    "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 "
    "libxkbcommon-x11-0 libxcb-xinerama0 libxcb-randr0 libxcb-shape0 libxcb-xkb1 libegl1 libgl1 "
    "fonts-noto-core"
)


def _window_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="phonon-desktop",
        description=f"{APP_NAME}: open a contact list, check it, map it and send it to Phonon.",
        epilog="Other commands: 'phonon-desktop submit --help', 'phonon-desktop sandbox --help'.",
    )
    p.add_argument("file", nargs="?", help="a contact list to open (.xlsx, .xlsm, .xls, .ods, .csv)")
    p.add_argument(
        "--sandbox",
        action="store_true",
        help="use the built-in practice server (no calls are made) and open the sample list",
    )
    p.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "sandbox":
        from phonon_desktop.kairos.sandbox import main as sandbox_main

        return sandbox_main(argv[1:])
    if argv and argv[0] == "submit":
        from phonon_desktop.campaign.submit_cli import main as submit_main

        return submit_main(argv[1:])
    args = _window_parser().parse_args(argv)
    return run_window(args.file, sandbox=args.sandbox)


def run_window(file: str | None, *, sandbox: bool) -> int:
    try:
        from phonon_desktop.gui.app import main as gui_main
    except ImportError as exc:  # Qt or one of its system libraries is missing
        print(
            f"{APP_NAME} could not start its window: {exc}.\n"
            "On Linux, install Qt's system libraries, for example on Debian or Ubuntu:\n"
            f"  sudo apt-get install {QT_LINUX_PACKAGES}\n"
            "The command 'phonon-desktop submit' works without a window.",
            file=sys.stderr,
        )
        return 2
    return gui_main(file, sandbox=sandbox)


if __name__ == "__main__":
    raise SystemExit(main())
