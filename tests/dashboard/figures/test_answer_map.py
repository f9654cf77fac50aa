"""The map of who answered a round (``dashboard.figures.answer_map``): a pure function of a frame,
every answer its own class, colours that meet WCAG 1.4.11 against the page, and "geen antwoord"
told apart by its outline, not by colour."""

from __future__ import annotations

import pandas as pd

from dashboard.figures import answer_map
from dashboard.figures.palette import NO_DATA_LINE_WIDTH, PAGE_BACKGROUND, contrast_ratio

FRAME = pd.DataFrame(
    {
        "gemeentecode": ["GM0363", "GM0599", "GM0344", "GM0014"],
        "gemeente": ["Amsterdam", "Rotterdam", "Utrecht", "Groningen"],
        "antwoord": ["gewijzigd", "ongewijzigd", "geweigerd", "geen"],
    }
)


def test_each_gemeente_gets_the_class_and_hover_of_its_answer():
    trace = answer_map.answer_map(FRAME, "/kaartvormen/gemeente.json").data[0]
    assert list(trace.locations) == list(FRAME["gemeentecode"]) and list(trace.text) == list(FRAME["gemeente"])
    assert list(trace.z) == [3, 2, 1, 0]
    assert trace.customdata[1] == "Antwoord: ongewijzigd (niets veranderd)" and trace.customdata[3] == "Antwoord: geen antwoord"
    widths = list(trace.marker.line.width)
    assert widths[3] == NO_DATA_LINE_WIDTH and max(widths[:3]) < NO_DATA_LINE_WIDTH  # not answered: the thick outline
    # the stepped scale gives class i exactly its colour
    scale = [tuple(step) for step in trace.colorscale]
    for i, antwoord in enumerate(answer_map.ORDER):
        assert scale[2 * i][1].lower() == answer_map.COLORS[antwoord].lower()


def test_colours_meet_the_contrast_rule_and_differ():
    filled = [answer_map.COLORS[a] for a in answer_map.ORDER if a != answer_map.GEEN]
    assert all(contrast_ratio(c, PAGE_BACKGROUND) >= 3 for c in filled)
    assert len({c.lower() for c in answer_map.COLORS.values()}) == len(answer_map.ORDER)


def test_counts_name_every_class_answered_first():
    got = answer_map.counts(FRAME.iloc[[0, 0, 3]])
    assert [(a, n) for a, _, _, n in got] == [("gewijzigd", 2), ("ongewijzigd", 0), ("geweigerd", 0), ("geen", 1)]
    assert answer_map.counts(FRAME.iloc[[]])[0][3] == 0
