"""Pages of lists that grow (ADR): ``page``/``pageSize`` (or ``offset``/``limit``), the links in
``_links`` and in the ``Link`` header, and ``X-Total-Count``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple
from urllib.parse import urlencode

from flask import Response, jsonify, request

from dashboard.api.errors import invalid


class Window(NamedTuple):
    """The page a list request asks for: ``size`` items from ``offset``."""

    offset: int
    size: int

    @classmethod
    def of(cls, query) -> Window:
        """``page``/``pageSize`` when given, else ``offset``/``limit``."""
        size = query.pageSize or query.limit
        if query.page is None:
            return cls(query.offset, size)
        if "offset" in request.args:
            raise invalid("offset", "gebruik page of offset, niet allebei")
        offset = (query.page - 1) * size
        if offset > 2**31 - 1:
            raise invalid("page", f"dit mag hoogstens {(2**31 - 1) // size + 1} zijn bij pageSize {size}")
        return cls(offset, size)

    def cut(self, rows: Sequence) -> Sequence:
        """This page of a list (or a data frame, by position) that is already read whole."""
        return getattr(rows, "iloc", rows)[self.offset : self.offset + self.size]

    def answer(self, data: dict, total: int) -> Response:
        """``data`` as this page of ``total``: see ``paged``."""
        return paged(data, total, self.offset, self.size)


def _page_href(offset: int, size: int) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "pageSize", "limit", "offset")]
    if offset % size == 0:
        args += [("page", str(offset // size + 1)), ("pageSize", str(size))]
    else:
        args += [("offset", str(offset)), ("limit", str(size))]
    return request.path + "?" + urlencode(args)


def paged(data: dict, total: int, offset: int, size: int) -> Response:
    """``data`` as one page of ``total``: ``_links`` (self, first, prev, next, last), ``totaal``,
    ``page``/``pageSize``, and the same links in ``Link`` (RFC 8288) with ``X-Total-Count``."""
    base = offset % size  # the last page keeps the grid of this one
    last = base + max(0, (total - 1 - base) // size) * size if total > base else 0
    links = {"self": offset, "first": 0, "last": last}
    if offset > 0:
        links["prev"] = max(0, offset - size)
    if offset + size < total:
        links["next"] = offset + size
    hal = {rel: {"href": _page_href(at, size)} for rel, at in links.items()}
    resp = jsonify({"_links": hal, "totaal": total, "offset": offset, "page": offset // size + 1, "pageSize": size, **data})
    resp.headers["Link"] = ", ".join(f'<{v["href"]}>; rel="{rel}"' for rel, v in hal.items() if rel != "self")
    resp.headers["X-Total-Count"] = str(total)
    return resp
