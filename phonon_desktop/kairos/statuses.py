"""The Kairos status codes as data: what each means, who can fix it, what to tell the operator.

The response body carries its own status (``api-response-code`` and
``api-response-message``), separate from the HTTP status. Code 202 means two different
things (bulk "Accepted" and "Invalid Security ID"), so ``ACCEPTED_202`` is kept apart
from the error table and chosen by message, never by number.
"""

from __future__ import annotations

from dataclasses import dataclass

SCOPES = ("request", "call", "account", "either")
FIXERS = ("sheet", "settings", "admin", "retry", "program", "none")


@dataclass(frozen=True)
class Status:
    code: int
    message: str  # exactly as the vendor's table spells it
    name: str
    scope: str  # "request" | "call" | "account" | "either"
    fixer: str  # "sheet" | "settings" | "admin" | "retry" | "program" | "none"
    advice: str  # one or two plain sentences for an operator

    def matches(self, message: str | None) -> bool:
        """True when ``message`` is this status's message (case and spacing ignored)."""
        return _norm(message) == _norm(self.message)


def _norm(text: str | None) -> str:
    return " ".join((text or "").lower().split())


_TABLE: tuple[Status, ...] = (
    Status(200, "Success", "SUCCESS", "request", "none",
           "Phonon accepted these calls and scheduled them."),
    Status(201, "Checksum Repeated", "CHECKSUM_REPEATED", "request", "none",
           "Phonon already received exactly this request earlier, so it did not schedule the "
           "calls again. Check the earlier result before sending these rows again."),
    Status(202, "Invalid Security ID", "INVALID_SECURITY_ID", "request", "settings",
           "Phonon did not recognise the security ID. Copy it again from the flow's "
           "'Edit Flow' page into Settings, and check that the API address is the right one."),
    Status(203, "API Version not Supported", "INVALID_API_VERSION", "request", "settings",
           "Phonon does not support the chosen flow version. In Settings choose "
           "'1.0' (production) or 'TEST' (testing)."),
    Status(204, "Invalid SMS Gateway", "INVALID_GATEWAY_ID", "call", "admin",
           "Phonon could not use the gateway set up for this flow. Ask your Phonon account "
           "administrator to check the flow's gateway."),
    Status(205, "Invalid Contact Number", "INVALID_CONTACT_NUMBER", "call", "sheet",
           "Phonon refused the phone number. Correct the number in the sheet "
           "(91 followed by 10 digits) and send the row again."),
    Status(206, "Failure from Gateway", "FAILURE_FROM_GATEWAY", "call", "retry",
           "The telephone gateway failed to take the call. Send the row again later."),
    Status(207, "DID Not Mapped", "DID_NOT_MAPPED", "call", "admin",
           "No caller number (DID) is set up for this flow. Ask your Phonon account "
           "administrator to map one."),
    Status(208, "No Mask Available", "NO_MASK_AVAILABLE", "call", "admin",
           "No caller-ID mask is available for this flow. Ask your Phonon account "
           "administrator to add one."),
    Status(209, "Partial Success", "PARTIAL_SUCCESS", "request", "sheet",
           "Phonon accepted some calls of this request and refused the others. Check the "
           "refused rows (number and start time) and send only those again."),
    Status(210, "Invalid Mandatory Parameters", "INVALID_MANDATORY_PARAMETERS", "either", "sheet",
           "Phonon found a required value missing or wrong (phone number, start time or "
           "customer ID). Correct the rows and send them again."),
    Status(211, "Validity Expired", "VALIDITY_EXPIRED", "account", "admin",
           "The Phonon account's validity has expired. Ask your account administrator to "
           "renew it, then resume sending."),
    Status(212, "Insufficient Balance", "INSUFFICIENT_BALANCE", "account", "admin",
           "The Phonon account has run out of balance. Ask your account administrator to "
           "top it up, then resume sending."),
    Status(213, "No Data Available", "NO_DATA_AVAILABLE", "request", "sheet",
           "Phonon found no call data in the request. Check that the rows have phone numbers "
           "and send them again."),
    Status(301, "Invalid Flow ID", "INVALID_FLOW_ID", "request", "settings",
           "Phonon did not recognise the flow ID. Copy the 8-character flow ID again from the "
           "flow's 'Edit Flow' page into Settings."),
    Status(302, "Empty Call List", "EMPTY_CALL_LIST", "request", "program",
           "The request carried no calls. This is a fault in Phonon Desktop; nothing was "
           "scheduled. Please report it."),
    Status(303, "Max Data List Size Exceeded", "MAX_DATA_LIST_SIZE_EXCEEDED", "request", "program",
           "The request carried too many calls. This is a fault in Phonon Desktop; nothing was "
           "scheduled. Please report it."),
    Status(304, "Invalid Flow Version", "INVALID_FLOW_VERSION", "request", "settings",
           "The flow has no version of the kind chosen. In Settings choose the other flow "
           "version ('1.0' production or 'TEST'), or ask your administrator to publish the flow."),
    Status(400, "Invalid Format", "INVALID_FORMAT", "request", "program",
           "Phonon could not read the request. This is a fault in Phonon Desktop; nothing was "
           "scheduled. Please report it."),
    Status(401, "IP Not Whitelisted", "IP_NOT_WHITELISTED", "account", "admin",
           "Phonon refused this computer's internet address. Ask your Phonon account "
           "administrator to whitelist your office's public IP address (or your proxy's)."),
    Status(402, "Phone Not Whitelisted", "PHONE_NOT_WHITELISTED", "call", "admin",
           "The flow is in testing and only calls whitelisted numbers. Ask your administrator "
           "to whitelist the number, or to publish the flow."),
    Status(500, "Failure", "FAILURE", "request", "retry",
           "Phonon answered that it failed to schedule the calls. Send the rows again later."),
)

STATUSES: dict[int, Status] = {s.code: s for s in _TABLE}

# The bulk endpoint's success: HTTP 202, code 202, message "Accepted", call-details null.
ACCEPTED_202 = Status(
    202, "Accepted", "ACCEPTED", "request", "none",
    "Phonon accepted these calls and scheduled them. The bulk address gives no per-call IDs; "
    "keep the request ID to find them in Phonon's reports.",
)


def status_for(code: int | None, message: str | None = None) -> Status | None:
    """The status that a body's code and message name; None when the code is not documented.

    Code 202 is decided by its message: "Accepted" is the bulk success; anything that names
    a security id is the error. Any other message under 202 gives None (ambiguous).
    """
    if code is None:
        return None
    if code == 202:
        if ACCEPTED_202.matches(message):
            return ACCEPTED_202
        if "security" in _norm(message):
            return STATUSES[202]
        return None
    return STATUSES.get(code)
