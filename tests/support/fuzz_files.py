"""Deterministic mutations of real spreadsheets for the fuzz test: flipped and inserted bytes,
truncated archives, and mutated XML inside an otherwise valid zip (shuffled, duplicated and
deleted elements, a giant <dimension>, cell references far away, repeated and huge repeat
attributes), mutated CSV text, and flipped bytes in an .xls. Same seed, same files."""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path
from typing import Callable

from tests.support import hostile

_ELEMENT = re.compile(rb"<(row|c|table:table-row|table:table-cell|si|sheet|Relationship)\b[^>]*?(?:/>|>.*?</\1>)", re.S)
_TAG = re.compile(rb"<[A-Za-z][^<>]*?(/?)>")


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(1, len(data))]


def _xml_mutations(rng: random.Random, xml: bytes) -> bytes:
    elements = list(_ELEMENT.finditer(xml))
    tags = list(_TAG.finditer(xml))
    choice = rng.randrange(11)
    if choice == 0 and len(elements) > 2:  # shuffle a run of sibling-ish elements
        picked = rng.sample(elements, min(len(elements), rng.randint(2, 8)))
        picked.sort(key=lambda m: m.start())
        bodies = [m[0] for m in picked]
        rng.shuffle(bodies)
        out, last = [], 0
        for m, body in zip(picked, bodies):
            if m.start() < last:
                continue
            out += [xml[last : m.start()], body]
            last = m.end()
        return b"".join(out) + xml[last:]
    if choice == 1 and elements:  # duplicate an element many times
        m = rng.choice(elements)
        return xml[: m.end()] + m[0] * rng.choice((1, 2, 50, 2000)) + xml[m.end() :]
    if choice == 2 and elements:  # delete an element
        m = rng.choice(elements)
        return xml[: m.start()] + xml[m.end() :]
    if choice == 3:  # a giant or broken dimension
        ref = rng.choice((b"A1:XFD1048576", b"A1:XFD4294967295", b"ZZZZZZ99999999999", b""))
        if b"<dimension" in xml:
            return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', xml, count=1)
        return xml.replace(b"<sheetData", b'<dimension ref="' + ref + b'"/><sheetData', 1)
    if choice == 4:  # a cell reference far away
        col = rng.choice((b"XFD", b"GS", b"ZZZZ", b"A", b"xfd"))
        row = str(rng.choice((1, 150_000, 200_021, 1_048_576, 4_294_967_295, 10**12))).encode()
        refs = list(re.finditer(rb'r="[A-Za-z]+\d+"', xml))
        if refs:
            m = rng.choice(refs)
            return xml[: m.start()] + b'r="' + col + row + b'"' + xml[m.end() :]
    if choice == 5 and tags:  # a repeated attribute, or a huge repeat
        m = rng.choice(tags)
        attr = rng.choice((
            b' table:number-columns-repeated="16384"', b' table:number-rows-repeated="1048576"',
            b' table:number-columns-repeated="4294967295"', b' table:number-rows-repeated="99999999999"',
            b' r="XFD1048576"', b' t="s"', b' t="e"', b' office:value-type="string"', b' s="99999"',
            b' table:number-columns-spanned="16384"', b' table:number-rows-spanned="1048576"',
        ))  # fmt: skip
        at = m.end() - (2 if m[1] else 1)
        return xml[:at] + attr * rng.choice((1, 2)) + xml[at:]
    if choice == 6:  # a shared-string index or a value out of range
        return re.sub(rb"<v>\d+</v>", lambda _: b"<v>" + str(rng.choice((-1, 10**9, 2**64))).encode() + b"</v>", xml, count=rng.randint(1, 5))
    if choice == 7 and len(xml) > 10:  # cut the XML short
        return xml[: rng.randrange(len(xml))]
    if choice == 8 and tags:  # an element without its references
        return re.sub(rb' r="[A-Za-z]*\d+"', b"", xml, count=rng.randint(1, 400))
    if choice == 9 and b"<text:p>" in xml:  # spaces written as a (huge) count
        count = str(rng.choice((5, 200_000, 2_000_000_000))).encode()
        return xml.replace(b"<text:p>", b'<text:p><text:s text:c="' + count + b'"/>', rng.randint(1, 3))
    return flip_bytes(rng, xml) if xml else xml


def mutate_zip_member(rng: random.Random, data: bytes) -> bytes:
    """Rewrite one XML member with an XML-level mutation; the archive itself stays valid (an
    archive already broken by an earlier mutation gets flipped bytes instead)."""
    try:
        return _mutate_zip_member(rng, data)
    except Exception:  # noqa: BLE001 - zipfile raises many types on an archive it cannot rewrite
        return flip_bytes(rng, data)


def _mutate_zip_member(rng: random.Random, data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        infos = src.infolist()
        members = [i for i in infos if i.filename.endswith((".xml", ".rels"))]
        target = rng.choice([i for i in members if "sheet" in i.filename or i.filename == "content.xml"] or members)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in infos:
                body = src.read(info)
                if info.filename == target.filename:
                    for _ in range(rng.randint(1, 3)):
                        body = _xml_mutations(rng, body)
                dst.writestr(info.filename, body, compress_type=zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def mutate_csv(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    choice = rng.randrange(7)
    if choice == 0:
        noise = rng.choice((b"\x00", b"\r", b'"', b";", b",", b"\t", b"\xff\xfe", b"\xef\xbb\xbf", b"\x1a", "€".encode()))
        at = rng.randrange(len(data) + 1)
        return data[:at] + noise * rng.choice((1, 3, 500)) + data[at:]
    if choice == 1:
        line = rng.choice(lines)
        return b"\n".join(lines + [line] * rng.choice((2, 100, 5000)))
    if choice == 2:
        return b"\r".join(lines) if rng.random() < 0.5 else b"\r\n".join(lines)
    if choice == 3:
        return data + b";" * rng.choice((300, 100_000)) + b"x\n"
    if choice == 4:
        return data.decode("cp1252", "replace").encode(rng.choice(("utf-16", "utf-16-le", "utf-32", "latin-1")), "replace")
    if choice == 5:
        return truncate(rng, data)
    return flip_bytes(rng, data)


def generate(folder: Path, sources: dict[str, bytes], count: int, seed: int) -> list[Path]:
    """``count`` mutated files in ``folder`` from ``sources`` (name → bytes), reproducible from ``seed``."""
    rng = random.Random(seed)
    names = sorted(sources)
    paths = []
    for index in range(count):
        name = names[index % len(names)]
        data = sources[name]
        suffix = Path(name).suffix
        mutations: list[Callable[[random.Random, bytes], bytes]]
        if suffix == ".csv":
            mutations = [mutate_csv]
        elif suffix == ".xls":
            mutations = [flip_bytes, truncate]
        else:
            mutations = [mutate_zip_member, mutate_zip_member, mutate_zip_member, flip_bytes, truncate]
        for _ in range(rng.randint(1, 2)):
            data = rng.choice(mutations)(rng, data) or b" "
        path = folder / f"{index:03d}_{Path(name).stem}{suffix}"
        path.write_bytes(data)
        paths.append(path)
    return paths


def small_sources() -> dict[str, bytes]:
    """Hand-built seeds besides the real fixtures: minimal xlsx and ods with inline strings."""
    return {
        "klein.xlsx": hostile.xlsx_bytes(hostile.status_rows(("GM0363", "GM0599")), dimension="A1:C4", shared=["geen"]),
        "klein.ods": hostile.ods_bytes(hostile.ods_status_rows(("GM0363", "GM0599"))),
    }
