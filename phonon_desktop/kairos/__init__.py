"""The Kairos outbound API: request bytes, status codes, client, rate limiter, sandbox.

Pure Python: knows nothing of sheets, campaigns or Qt.
"""
