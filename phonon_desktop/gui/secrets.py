"""Security ids in the system keyring: Windows Credential Manager, macOS Keychain, Secret Service.

One keyring entry per flow (service "Phonon Desktop", user name the flow id). Where no
keyring works, the secret is kept in this program's memory for this session only and the
operator is told so: it is never written to a plain file.
"""

from __future__ import annotations

import logging
import re

import keyring
import keyring.backend
import keyring.errors

from phonon_desktop import APP_NAME
from phonon_desktop.kairos.protocol import mask_secret

SERVICE = APP_NAME
log = logging.getLogger(__name__)
_SECURITY_ID = re.compile(r"^[A-Za-z0-9]{64}$")

NO_KEYRING = (
    "This computer has no password store that Phonon Desktop can use, so security ids are "
    "kept only until you close the program and you will type them again next time. "
    "On Linux, install and unlock a keyring (for example GNOME Keyring or KWallet)."
)


def clean_security_id(text: str) -> str:
    """The security id as pasted, without the spaces and line breaks copying often adds."""
    return re.sub(r"\s+", "", text or "")


def security_id_problem(secret: str) -> str | None:
    if _SECURITY_ID.match(secret):
        return None
    return (
        f"A security id is 64 letters and digits; this one has {len(secret)} characters. "
        "Copy it again from the flow's Edit Flow page in Phonon."
    )


def _backend_works(backend: keyring.backend.KeyringBackend) -> bool:
    names = {type(backend).__module__ + "." + type(backend).__name__}
    if "keyring.backends.fail.Keyring" in names or "keyring.backends.null.Keyring" in names:
        return False
    chained = getattr(backend, "backends", None)
    if chained is not None:  # the chainer: works only if it chains something that works
        return any(_backend_works(b) for b in chained)
    return True


class SecretStore:
    """Security ids by flow id; falls back to session memory when no keyring works."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._backend = backend
        self._session: dict[str, str] = {}
        self.problem: str | None = None  # plain sentence when the keyring did not work

    def backend(self) -> keyring.backend.KeyringBackend:
        return self._backend or keyring.get_keyring()

    def keyring_available(self) -> bool:
        return _backend_works(self.backend()) and self.problem is None

    def availability_text(self) -> str:
        if self.keyring_available():
            return "Security ids are kept in this computer's password store."
        return self.problem or NO_KEYRING

    def _fail(self, exc: Exception) -> None:
        # The exception text comes from the backend and never holds the secret; log its type only.
        log.warning("Password store failed (%s); keeping security ids for this session only", type(exc).__name__)
        self.problem = NO_KEYRING

    def get(self, flow_id: str) -> str | None:
        if flow_id in self._session:
            return self._session[flow_id]
        if not _backend_works(self.backend()):
            return None
        try:
            return self.backend().get_password(SERVICE, flow_id)
        except Exception as exc:  # any backend failure (locked, D-Bus gone...) means "not stored"
            self._fail(exc)
            return None

    def set(self, flow_id: str, secret: str) -> bool:
        """Keep the secret; True when it is in the keyring, False when kept for this session only."""
        if _backend_works(self.backend()) and self.problem is None:
            try:
                self.backend().set_password(SERVICE, flow_id, secret)
                self._session.pop(flow_id, None)
                return True
            except Exception as exc:
                self._fail(exc)
        self._session[flow_id] = secret
        return False

    def delete(self, flow_id: str) -> None:
        self._session.pop(flow_id, None)
        if not _backend_works(self.backend()):
            return
        try:
            self.backend().delete_password(SERVICE, flow_id)
        except keyring.errors.PasswordDeleteError:
            pass  # nothing stored for it
        except Exception as exc:
            self._fail(exc)

    def rename(self, old_flow_id: str, new_flow_id: str) -> None:
        """Keep a flow's secret when its flow id is corrected in the settings."""
        if old_flow_id == new_flow_id:
            return
        secret = self.get(old_flow_id)
        if secret:
            self.set(new_flow_id, secret)
            self.delete(old_flow_id)

    def is_session_only(self, flow_id: str) -> bool:
        return flow_id in self._session

    def masked(self, flow_id: str) -> str:
        return mask_secret(self.get(flow_id))


_default: SecretStore | None = None


def default_secret_store() -> SecretStore:
    """One store per program run, so a session-only secret is shared by every dialog."""
    global _default
    if _default is None:
        _default = SecretStore()
    return _default
