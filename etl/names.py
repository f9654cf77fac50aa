"""File names as data: what users call their files is stored and shown, never used as a path.

A name comes from a browser, a multipart header or a folder listing and may hold anything:
NUL and other control characters, right-to-left overrides, path separators, ``..``, bytes that
are not UTF-8 (``surrogateescape`` from the file system), or be thousands of bytes long.
``clean`` gives the name that is stored and shown: the last path part, invisible and control
characters removed, invalid bytes as U+FFFD, at most ``MAX_CHARS`` characters with the extension
kept. ``note`` is the warning that keeps the exact original (escaped bytes) in the upload log.
"""

from __future__ import annotations

import re
import unicodedata

from etl.errors import WARNING, Problem

MAX_CHARS = 120
MAX_NOTE = 2048  # characters of the original's escaped bytes kept in the note
MAX_SUFFIX = 10  # '.xlsx', '.ods', '.csv' and the like; anything longer is not an extension
FALLBACK = "bestand"
DROPPED = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}  # control, format (bidi, zero-width), surrogate, private, unassigned, line breaks
SUFFIX_RE = re.compile(r"\.[0-9A-Za-z]{1,%d}" % (MAX_SUFFIX - 1))


def _decoded(name: str) -> str:
    """Bytes that were not UTF-8 (kept as surrogates by the file system) become U+FFFD."""
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # lone surrogates that are no escaped bytes
        return name.encode("utf-8", "replace").decode("utf-8", "replace")


def printable(text: object) -> str:
    """Any text (a whole path, say) safe to print: invalid bytes as U+FFFD, no control characters."""
    return "".join(c for c in _decoded(str(text)) if unicodedata.category(c) not in DROPPED)


def original_bytes(name: str) -> str:
    """The name exactly as received, as an escaped byte string (``b'a\\x00b.csv'``)."""
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "backslashreplace")
    return repr(raw)


def suffix(name: str) -> str:
    """The extension of a cleaned name, lower case, or '' when it has none that looks like one."""
    dot = name.rfind(".")
    if dot <= 0:
        return ""
    tail = name[dot:]
    return tail.lower() if SUFFIX_RE.fullmatch(tail) else ""


def clean(name: object) -> str:
    """The name to store and show; see the module docstring."""
    text = _decoded(str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(" " if c in "\t\n\r\x0b\x0c" else c for c in text)
    text = "".join(c for c in text if unicodedata.category(c) not in DROPPED)
    text = text.strip()
    if not text.strip(". "):
        return FALLBACK
    if SUFFIX_RE.fullmatch(text):  # only an extension left ('\x00.csv'): keep it as one
        text = FALLBACK + text.lower()
    ext = suffix(text)
    if len(text) > MAX_CHARS:
        stem = text[: len(text) - len(ext)] if ext else text
        text = stem[: MAX_CHARS - len(ext) - 1].rstrip() + "…" + ext
    return text


def note(given: object) -> Problem | None:
    """A warning, kept with the upload in the log, when the name had to be cleaned: it holds the
    original name's exact bytes (escaped), so the audit log loses nothing."""
    given = str(given or "")
    name = clean(given)
    if given == name:
        return None
    raw = original_bytes(given)
    if len(raw) > MAX_NOTE:
        raw = raw[:MAX_NOTE] + f"… ({len(raw)} tekens)"
    return Problem(
        "de bestandsnaam bevatte tekens die niet in een naam horen, of was te lang; hij is bewaard "
        f"als ‘{name}’. Oorspronkelijke naam (bytes): {raw}",
        file=name,
        severity=WARNING,
    )
