from kairos_helpers import bulk_sandbox, sandbox  # noqa: F401 - fixtures
