"""A first mapping proposed from a sheet's headers (and cells), for the operator to confirm.

Headers are matched on words in English and Hindi (Devanagari and Latin spellings). When
the cells are available they weigh in: a column whose cells mostly read as phone numbers is
a number column whatever its header says. Two equally likely main-number columns are never
decided by a guess: the proposal asks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from phonon_desktop.campaign.mapping import Mapping, StartTime
from phonon_desktop.sheets.model import CellKind, Sheet

# Words that say "phone" outright, and weaker ones ("Contact", "Number") that do only when
# nothing else in the header says otherwise ("Account Number", "Contact Person").
_STRONG_WORDS = (
    "mobile", "mob", "phone", "ph", "cell", "tel", "telephone", "msisdn", "whatsapp", "mobileno",
    "phoneno", "contactno", "cellno", "mobail", "fon", "मोबाइल", "मोबाईल", "फ़ोन", "फोन", "दूरभाष",
)
_WEAK_WORDS = ("contact", "number", "num", "nambar", "sampark", "नंबर", "नम्बर", "संपर्क", "सम्पर्क")
_NOT_PHONE_WORDS = (
    "id", "account", "acct", "loan", "ref", "reference", "amount", "name", "person", "date", "time",
    "pin", "pincode", "invoice", "order", "policy", "serial", "sr", "आईडी", "खाता", "नाम", "राशि",
)
_ALTERNATE_WORDS = (
    "alt", "alternate", "alternative", "other", "second", "secondary", "2", "landline", "home", "office", "work",
    "वैकल्पिक", "दूसरा", "अन्य",
)
_ID_WORDS = (
    "id", "identifier", "customer id", "client id", "cust id", "account", "account no", "loan", "loan no",
    "reference", "ref", "code", "crn", "customer code", "ग्राहक आईडी", "आईडी", "खाता", "खाता संख्या",
)
_NAME_WORDS = ("name", "customer name", "full name", "नाम", "ग्राहक का नाम", "naam")
_TIME_WORDS = (
    "call at", "call time", "start time", "start", "schedule", "scheduled", "time", "date time", "datetime",
    "call date", "समय", "कॉल समय",
)
_SKIP_AS_KEY = ("sr", "s no", "sno", "serial", "sl", "#", "क्रम")
# Flow variable names for headers in Hindi (or transliterated), so a flow built in English fits.
_KEY_NAMES = {"नाम": "Name", "naam": "Name", "ग्राहक का नाम": "Name", "भाषा": "Language", "राशि": "Amount",
              "रकम": "Amount", "शहर": "City", "बकाया": "Due", "तारीख": "Date"}
_WORD = re.compile(r"[\w\u0900-\u0dff]+")


def _fold(text: str) -> str:
    """Case, Unicode form, nukta and punctuation do not matter when reading a header."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("\u093c", "")  # nukta: फ़ोन and फोन are the same word to an operator
    return " ".join(re.sub(r"[_\-./:#()\[\]]+", " ", text).split())


def _words(text: str) -> list[str]:
    folded = _fold(text)
    return _WORD.findall(folded) + [folded]


def _matches(header: str, vocabulary: tuple[str, ...]) -> bool:
    folded = _fold(header)
    words = set(_words(header))
    vocab = {_fold(v) for v in vocabulary}
    return folded in vocab or bool(words & vocab) or any(" " in v and v in folded for v in vocab)


def _phone_score(header: str) -> int:
    """2 for a header that says phone outright, 1 for a weaker hint, 0 for none."""
    folded = _fold(header)
    words = set(_words(header))
    if words & _STRONG or re.fullmatch(r"(tel|ph|mob)\s?\d", folded):
        return 2
    if words & _WEAK and not words & _NOT_PHONE:
        return 1
    return 0


_STRONG = {_fold(w) for w in _STRONG_WORDS}
_WEAK = {_fold(w) for w in _WEAK_WORDS}
_NOT_PHONE = {_fold(w) for w in _NOT_PHONE_WORDS}


def _is_alternate(header: str) -> bool:
    folded = _fold(header)
    return _matches(header, _ALTERNATE_WORDS) or bool(re.search(r"(\d)$", folded) and not folded.endswith("1"))


def _share_of_phone_cells(sheet: Sheet, column: str, sample: int = 2000) -> float:
    texts = sheet.data[column].to_numpy(dtype=object)[:sample]
    kinds = sheet.kinds[column].to_numpy()[:sample]
    filled = [(t, k) for t, k in zip(texts.tolist(), kinds.tolist()) if t]
    if not filled:
        return -1.0  # an empty column says nothing either way
    good = 0
    for text, kind in filled:
        compact = re.sub(r"[\s\-().+]", "", text)
        if kind in (CellKind.TEXT, CellKind.NUMBER) and compact.isdigit() and 10 <= len(compact) <= 13:
            good += 1
    return good / len(filled)


@dataclass
class Proposal:
    mapping: Mapping | None  # None when not even one number column could be found
    questions: list[str] = field(default_factory=list)


def propose_mapping(headers: list[str], sheet: Sheet | None = None) -> Proposal:
    questions: list[str] = []
    present = [h for h in headers if h and h.strip()]

    # Number columns: header words first, cells as a tie-breaker and a second opinion.
    scored: list[tuple[str, int, float]] = []
    for header in present:
        score = _phone_score(header)
        share = _share_of_phone_cells(sheet, header) if sheet is not None and header in sheet.data else -1.0
        if share >= 0:
            if score and share < 0.3 and sheet.row_count:
                score = 0  # the header says phone, the cells say otherwise (e.g. "Contact Person")
            elif not score and share >= 0.8:
                score = 1
        if score:
            scored.append((header, score, share))
    if not scored:
        return Proposal(None, ["No column looks like a phone number. Choose the column that holds the numbers to call."])

    mains = [s for s in scored if not _is_alternate(s[0])] or scored
    best = max(s[1] for s in mains)
    top = [s for s in mains if s[1] == best]
    if len(top) > 1 and sheet is not None:
        best_share = max(s[2] for s in top)
        top = [s for s in top if s[2] == best_share]
    if len(top) > 1:
        names = ", ".join(s[0] for s in top)
        questions.append(f"{len(top) if len(top) > 2 else 'Two'} columns look like the main phone number: {names}. Choose one.")
        # Keep them all, in sheet order, so nothing is lost; the operator picks the main one.
    main = top[0][0]
    numbers = [main] + [h for h in present if h in {s[0] for s in scored} and h != main]

    used = set(numbers)
    client = next((h for h in present if h not in used and _matches(h, _ID_WORDS)), None)
    if client:
        used.add(client)
    start = StartTime.now()
    time_column = next((h for h in present if h not in used and _matches(h, _TIME_WORDS)), None)
    if time_column is not None and sheet is not None and time_column in sheet.data:
        kinds = sheet.kinds[time_column].to_numpy()[:2000]
        if not np.any(np.isin(kinds, [CellKind.DATETIME, CellKind.TEXT])):
            time_column = None
    if time_column:
        start = StartTime(kind="column", column=time_column)
        used.add(time_column)

    keys: dict[str, str] = {}
    for header in present:
        if header in used or _matches(header, _SKIP_AS_KEY):
            continue
        name = _variable_name(header)
        if name and name not in keys:
            keys[name] = header
    if not client:
        questions.append("No column looks like a customer identifier: identifiers will be made from each row's number and values.")
    return Proposal(
        Mapping(contact_numbers=numbers, client_identifier=client, start_time=start, keys=keys,
                sheet=sheet.name if sheet is not None else None,
                header_row=sheet.header_row if sheet is not None else None),
        questions,
    )


def _variable_name(header: str) -> str:
    """A flow variable name from a header: 'Customer Name' -> 'CustomerName', 'नाम' -> 'नाम'."""
    known = _KEY_NAMES.get(_fold(header))
    if known:
        return known
    parts = _WORD.findall(unicodedata.normalize("NFKC", header))
    if not parts:
        return ""
    name = "".join(p[:1].upper() + p[1:] for p in parts)
    return name if not name[0].isdigit() else "_" + name
