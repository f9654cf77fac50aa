"""Build ``POST /_dash-update-component`` payloads from an app's callback map, as the browser does.

Used by the callback tests (Flask test client) and by benchmarks/dashboard_bench.py (HTTP).
"""

from __future__ import annotations

import gzip
import json
from typing import Any


def _split_outputs(key: str) -> list[tuple[str, str]]:
    """'..a.figure...b.children..' or 'a.figure' -> [(id, prop), ...] (ids keep any '@hash' suffix)."""
    if key.startswith(".."):
        parts = key[2:-2].split("...")
    else:
        parts = [key]
    out = []
    for part in parts:
        cid, prop = part.rsplit(".", 1)
        out.append((cid, prop))
    return out


def find_callback(app, output_id: str, output_prop: str, input_id: str | None = None) -> tuple[str, dict]:
    """The callback writing ``output_id.output_prop`` (and reading ``input_id``, when several do)."""
    for key, cb in app.callback_map.items():
        for cid, prop in _split_outputs(key):
            if cid == output_id and prop.split("@")[0] == output_prop:
                if input_id is None or any(i["id"] == input_id for i in cb["inputs"]):
                    return key, cb
    raise KeyError(f"no callback outputs {output_id}.{output_prop}")


def payload(app, output_id: str, output_prop: str, values: dict[str, Any], changed: list[str]) -> dict:
    """``values``: 'id.prop' -> value for every input and state of the callback; the first
    changed input picks the callback when several write the same output."""
    key, cb = find_callback(app, output_id, output_prop, changed[0].rsplit(".", 1)[0] if changed else None)
    outputs = [{"id": cid, "property": prop} for cid, prop in _split_outputs(key)]

    def fill(items):
        return [{"id": i["id"], "property": i["property"], "value": values.get(f"{i['id']}.{i['property']}")} for i in items]

    return {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": fill(cb["inputs"]),
        "state": fill(cb.get("state", [])),
        "changedPropIds": changed,
    }


def response_part(data: dict, output_id: str, prop: str):
    return data["response"][output_id][prop]


def post(client, app, output_id, prop, values, changed):
    """Post the callback through the Flask test ``client`` (gzip accepted): (JSON or None, response)."""
    body = payload(app, output_id, prop, values, changed)
    r = client.post("/_dash-update-component", json=body, headers={"Accept-Encoding": "gzip"})
    assert r.status_code in (200, 204), r.get_data(as_text=True)[:2000]
    raw = r.get_data()
    if r.headers.get("Content-Encoding") == "gzip":
        raw = gzip.decompress(raw)
    return json.loads(raw) if raw else None, r


def page_layout(app, module, **query):
    """``module.layout(**query)`` as a request to ``app`` renders it."""
    with app.server.test_request_context("/"):
        return module.layout(**query)
