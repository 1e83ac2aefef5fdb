"""Phonon Desktop: send Excel contact lists to Phonon's Kairos outbound API."""

__version__ = "0.1.0"
APP_NAME = "Phonon Desktop"
