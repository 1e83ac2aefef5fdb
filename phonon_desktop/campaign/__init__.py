"""The operator's job: mapping, validation, planning batches, the journal, the send loop.

Uses kairos and sheets. No Qt.
"""
