"""The window: everything that imports PySide6 lives here, as thin adapters."""
