"""Helpers for the upload-page tests: Dash callbacks called over HTTP as the browser does."""

from __future__ import annotations

import base64
import json

from tests.api.support import csrf_headers

CSV_MIME = "data:text/csv;base64,"


class Dash:
    """Calls a page's callbacks over HTTP like dash-renderer does."""

    def __init__(self, app, client):
        self.client = client
        self.deps = client.get("/_dash-dependencies").get_json()

    def _dep(self, input_id: str, prop: str) -> dict:
        for dep in self.deps:
            if dep.get("clientside_function"):
                continue  # runs in the browser, not on the server
            if any(i["id"] == input_id and i["property"] == prop for i in dep["inputs"]):
                return dep
        raise KeyError(f"{input_id}.{prop}")

    def call(self, input_id: str, prop: str, value, state: dict | None = None, inputs: dict | None = None) -> dict:
        """Run the server callback on ``input_id.prop`` = ``value``; ``inputs`` and ``state`` give
        the values of its other inputs and states (``{"id.prop": value}``), else ``None``."""
        dep = self._dep(input_id, prop)
        outputs = []
        for part in dep["output"].strip(".").split("..."):
            cid, _, p = part.partition(".")
            outputs.append({"id": cid, "property": p})
        state = state or {}
        others = {**(inputs or {}), f"{input_id}.{prop}": value}
        payload = {
            "output": dep["output"],
            "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": [{"id": i["id"], "property": i["property"], "value": others.get(f"{i['id']}.{i['property']}")} for i in dep["inputs"]],
            "state": [{"id": s["id"], "property": s["property"], "value": state.get(f"{s['id']}.{s['property']}")} for s in dep["state"]],
            "changedPropIds": [f"{input_id}.{prop}"],
        }
        resp = self.client.post("/_dash-update-component", json=payload, headers=csrf_headers(self.client))
        if resp.status_code == 204:
            return {}
        assert resp.status_code == 200, resp.get_data(as_text=True)
        out = resp.get_json()["response"]
        return {f"{cid}.{p.split('@')[0]}": v for cid, props in out.items() for p, v in props.items()}

    def page(self, pathname: str, search: str = ""):
        """What Dash pages renders for this address (``search`` like ``?provincie=PV28``)."""
        return self.call("_pages_location", "pathname", pathname, inputs={"_pages_location.search": search})["_pages_content.children"]


def text_of(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def data_url(content: bytes) -> str:
    return CSV_MIME + base64.b64encode(content).decode()
