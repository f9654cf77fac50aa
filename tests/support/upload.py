"""Helpers shared by the upload-page tests: Dash callbacks called over HTTP as the browser does,
and a report made long."""

from __future__ import annotations

import base64
import json

from etl.errors import WARNING, Problem
from etvi.upload import service
from tests.support.app import csrf_headers

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
        resp = self.post(input_id, prop, value, state, inputs)
        if resp.status_code == 204:
            return {}
        assert resp.status_code == 200, resp.get_data(as_text=True)
        out = resp.get_json()["response"]
        return {f"{cid}.{p.split('@')[0]}": v for cid, props in out.items() for p, v in props.items()}

    def call_match(self, input_id: dict, prop: str, value, state: dict | None = None) -> dict:
        """Run a pattern-matching (MATCH) callback on the component ``input_id`` (a dict id);
        ``state`` maps ``"type.prop"`` of the other parts (same MATCH keys) to their values.
        Returns ``{"type.prop": value}``."""
        key = {k: v for k, v in input_id.items() if k != "type"}
        dep = None
        for d in self.deps:
            for i in d["inputs"]:
                if i["property"] == prop and isinstance(i["id"], str) and i["id"].startswith("{"):
                    if json.loads(i["id"]).get("type") == input_id["type"]:
                        dep = d
        assert dep is not None, input_id
        state = state or {}

        def concrete(spec: str) -> dict:
            return {**key, "type": json.loads(spec)["type"]}

        outputs = []
        for part in dep["output"].strip(".").split("..."):
            cid, _, p = part.rpartition(".")
            outputs.append({"id": concrete(cid), "property": p.split("@")[0]})
        this = f"{input_id['type']}.{prop}"
        payload = {
            "output": dep["output"],
            "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": [
                {"id": concrete(i["id"]), "property": i["property"],
                 "value": value if f"{json.loads(i['id'])['type']}.{i['property']}" == this else None}
                for i in dep["inputs"]
            ],
            "state": [
                {"id": concrete(s["id"]), "property": s["property"], "value": state.get(f"{json.loads(s['id'])['type']}.{s['property']}")}
                for s in dep["state"]
            ],
            "changedPropIds": [json.dumps(input_id, sort_keys=True, separators=(",", ":")) + f".{prop}"],
        }  # fmt: skip
        resp = self.client.post("/_dash-update-component", json=payload, headers=csrf_headers(self.client))
        assert resp.status_code == 200, resp.get_data(as_text=True)
        out = resp.get_json()["response"]
        return {f"{json.loads(cid)['type']}.{p.split('@')[0]}": v for cid, props in out.items() for p, v in props.items()}

    def post(self, input_id: str, prop: str, value, state: dict | None = None, inputs: dict | None = None):
        """The raw response of the callback request (see ``call``)."""
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
        return self.client.post("/_dash-update-component", json=payload, headers=csrf_headers(self.client))

    def page(self, pathname: str, search: str = ""):
        """What Dash pages renders for this address (``search`` like ``?provincie=PV28``)."""
        return self.call("_pages_location", "pathname", pathname, inputs={"_pages_location.search": search})["_pages_content.children"]


def text_of(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def data_url(content: bytes) -> str:
    return CSV_MIME + base64.b64encode(content).decode()


def add_row_warnings(monkeypatch, count: int) -> None:
    """Every check on the page (``etvi.upload.service.run_load``) returns ``count`` extra warnings, one
    per row and each different, as a report with that many distinct warnings would: the load
    itself is real, only its report is made long. (The validation folds repeated warnings, so
    no small file yields 100,000 distinct ones; the page must cope with such a list anyway.)"""
    real = service.run_load

    def run_load(*args, **kwargs):
        result = real(*args, **kwargs)
        result.warnings = list(result.warnings) + [
            Problem(f"testmelding {i}: waarde '{i}' wijkt af", result.file_name, None, i + 2, "toelichting", str(i), (), WARNING)
            for i in range(count)
        ]
        return result

    monkeypatch.setattr(service, "run_load", run_load)
