"""Which gemeente a spreadsheet row means, from a code (GM0363, 363, 0363) or a name.

Names are compared without case, accents, punctuation and a leading "gemeente". A name or code
from before a merger resolves to the current gemeente with a warning; a name that fits several
gemeenten ("Bergen") or none is an error that lists the closest candidates. A name with letters
from another script that look Latin (a Cyrillic "А" in "Amsterdam", pasted from somewhere or
typed on purpose) is read as the Latin name with a warning, also next to a code that fits it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz, process

from etl.contract import header_key
from etl.errors import show
from etvi.codes import gemeente_code

_PARENTHETICAL = re.compile(r"\s*\(.*\)\s*$")
_PREFIX = re.compile(r"^\s*gemeente\s+", re.IGNORECASE)
# Cyrillic and Greek letters that look like Latin ones (the common part of Unicode's confusables)
HOMOGLYPHS = str.maketrans(
    "АВЕКМНОРСТХУЅІЈаеорсухіјѕԁһӏԛԝ" "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαικνορτυχ",
    "ABEKMHOPCTXYSIJaeopcyxijsdhlqw" "ABEZHIKMNOPTYXaikvoptux",
)
_OTHER_SCRIPT = re.compile("[\u0370-\u03ff\u0400-\u052f]")


def name_key(name: object) -> str:
    return header_key(_PREFIX.sub("", str(name)))


@dataclass(frozen=True)
class Resolution:
    code: str | None
    warning: str | None = None
    error: str | None = None
    candidates: tuple[str, ...] = ()  # codes that could be meant
    field: str = "gemeente"  # the input at fault: "gemeentecode" or "gemeente"
    homoglyph: bool = False  # the name was read after replacing look-alike letters (warning says so)


@dataclass
class GemeenteResolver:
    names: dict[str, str]  # current code → official name
    variants: dict[str, str] = field(default_factory=dict)  # typed name → current code
    mergers: dict[str, tuple[str, str, date]] = field(default_factory=dict)  # old code → (old name, new code, date)

    def __post_init__(self) -> None:
        self._exact: dict[str, str] = {name_key(n): c for c, n in self.names.items()}
        self._variant: dict[str, str] = {}
        for variant, code in self.variants.items():
            if code in self.names:
                self._variant[name_key(variant)] = code
        self._old: dict[str, str] = {}  # old name key → old code
        for old_code, (old_name, new_code, _) in self.mergers.items():
            if self._final(new_code) in self.names:
                self._old[name_key(old_name)] = old_code
        self._base: dict[str, set[str]] = {}
        for code, name in self.names.items():
            self._base.setdefault(name_key(_PARENTHETICAL.sub("", name)), set()).add(code)
        self._choices: dict[str, str] = {}  # every known spelling → a display label for suggestions
        for code, name in self.names.items():
            self._choices[name] = code
        for variant, code in self.variants.items():
            if code in self.names:
                self._choices.setdefault(variant, code)
        self._cache_code: dict[object, Resolution] = {}
        self._cache_name: dict[str, Resolution] = {}

    def label(self, code: str) -> str:
        return f"{self.names.get(code, code)} ({code})"

    def _final(self, code: str) -> str:
        """Follow mergers until a current code (Weesp → Amsterdam, twice merged chains too)."""
        seen = set()
        while code not in self.names and code in self.mergers and code not in seen:
            seen.add(code)
            code = self.mergers[code][1]
        return code

    def _merged(self, old_code: str) -> Resolution:
        old_name, _, when = self.mergers[old_code]
        new = self._final(old_code)
        if new not in self.names:
            return Resolution(None, error=f"{old_name} ({old_code}) is opgeheven en de opvolger is onbekend")
        return Resolution(
            new,
            warning=f"{old_name} ({old_code}) is op {when:%d-%m-%Y} opgegaan in {self.label(new)}; "
            f"de gegevens zijn bij {self.names[new]} opgenomen",
        )

    def by_code(self, value: object) -> Resolution:
        try:
            return self._cache_code[value]
        except (KeyError, TypeError):
            pass
        code = gemeente_code(value)
        if code is None:
            result = Resolution(None, error=f"'{show(value)}' is geen gemeentecode; gebruik de vorm GM0363 (of 363)", field="gemeentecode")
        elif code in self.names:
            result = Resolution(code)
        elif code in self.mergers:
            result = self._merged(code)
        else:
            result = Resolution(None, error=f"gemeentecode {code} bestaat niet (meer)", field="gemeentecode")
        try:
            self._cache_code[value] = result
        except TypeError:
            pass
        return result

    def by_name(self, value: object) -> Resolution:
        text = str(value).strip()
        if text in self._cache_name:
            return self._cache_name[text]
        result = self._resolve_name(text)
        self._cache_name[text] = result
        return result

    def _resolve_name(self, text: str) -> Resolution:
        if _OTHER_SCRIPT.search(text):
            latin = text.translate(HOMOGLYPHS)
            if latin != text and not _OTHER_SCRIPT.search(latin):
                found = self._resolve_name(latin)
                if found.code is not None:
                    count = sum(a != b for a, b in zip(text, latin))
                    letters = "letter" if count == 1 else "letters"
                    warning = (
                        f"de naam '{show(text)}' bevat {count} {letters} uit een ander schrift (Cyrillisch of Grieks) die "
                        f"op Latijnse letters lijken; gelezen als {self.names[found.code]}. Typ de naam opnieuw in"
                    )
                    if found.warning:
                        warning += f"; {found.warning}"
                    return Resolution(found.code, warning=warning, homoglyph=True)
        key = name_key(text)
        if not key:
            return Resolution(None, error="de gemeentenaam is leeg")
        if key in self._exact:
            return Resolution(self._exact[key])
        if key in self._variant:
            return Resolution(self._variant[key])
        if key in self._old:
            return self._merged(self._old[key])
        base = self._base.get(key, set())
        if len(base) == 1:
            return Resolution(next(iter(base)))
        if len(base) > 1:
            options = sorted(base, key=lambda c: self.names[c])
            listed = " of ".join(self.label(c) for c in options)
            return Resolution(
                None,
                error=f"'{show(text)}' is niet eenduidig: bedoelt u {listed}? Vul de gemeentecode in of de volledige naam",
                candidates=tuple(options),
            )
        options = self.suggest(text)
        hint = f" Bedoelt u: {', '.join(self.label(c) for c in options)}?" if options else ""
        return Resolution(None, error=f"'{show(text)}' is geen bekende gemeente.{hint}", candidates=tuple(options))

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Codes of the closest known spellings, best first."""
        found = process.extract(
            text, list(self._choices), scorer=fuzz.WRatio, processor=lambda s: name_key(s), limit=limit * 3, score_cutoff=60
        )
        codes: list[str] = []
        for choice, _score, _ in found:
            code = self._choices[choice]
            if code not in codes:
                codes.append(code)
        return codes[:limit]

    def known(self, value: object) -> bool:
        """Whether a cell names a gemeente exactly (a code, a name, a variant, a pre-merger name or
        code, or an ambiguous name such as "Bergen"): no guessing, no suggestions."""
        code = gemeente_code(value) if isinstance(value, str) else None
        if code is not None:
            return code in self.names or code in self.mergers
        key = name_key(value) if isinstance(value, str) else ""
        return bool(key) and (key in self._exact or key in self._variant or key in self._old or key in self._base)

    def resolve(self, code_value: object, name_value: object) -> Resolution:
        """Code wins when both are given, and the name must then fit the code."""
        has_code = code_value not in (None, "")
        has_name = name_value not in (None, "") and str(name_value).strip() != ""
        if not has_code and not has_name:
            return Resolution(None, error="gemeentecode en gemeente zijn allebei leeg")
        if not has_code:
            return self.by_name(name_value)
        by_code = self.by_code(code_value)
        if by_code.code is None or not has_name:
            return by_code
        by_name = self.by_name(name_value)
        if by_name.homoglyph and by_name.code == by_code.code and by_code.warning is None:
            return Resolution(by_code.code, warning=by_name.warning, homoglyph=True)
        if by_name.code == by_code.code or by_code.code in by_name.candidates:
            return by_code
        meant = self.label(by_name.code) if by_name.code else f"'{show(name_value)}'"
        return Resolution(
            None,
            error=f"gemeentecode {gemeente_code(code_value)} hoort bij {self.names[by_code.code]}, "
            f"maar de naam is {meant}; controleer welke gemeente bedoeld is",
            field="gemeentecode",
        )
