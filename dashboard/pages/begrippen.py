"""``/begrippen``: the programme's words explained for a first-time visitor (a policy officer), one
entry per term with an anchor (``/begrippen#koploper``) that the short explanations on the other
pages (``components.explain``) link to.

Flask renders it (a ``ServerPage``, like /login): the anchors work on the first load without
waiting for Dash, and the page reads without JavaScript. Open to everyone, also when the
dashboard is not public (``policy.OPEN_PATHS``): it holds no data, only words.
"""

from __future__ import annotations

from flask import Response, request

from dashboard import frame, security
from dashboard.texts import GLOSSARY_PATH, GLOSSARY_TITLE, TERMS

PATH = GLOSSARY_PATH
INTRO = (
    "Wat de woorden in de monitor betekenen. Bij de begrippen op de andere pagina's staat een korte uitleg "
    "met een link naar de uitleg hier."
)


def view() -> Response:
    body = frame.render(
        "begrippen.html",
        title=GLOSSARY_TITLE,
        account_items=security.current_account_menu(request.path),
        path=request.path,
        demo=frame.demo_loaded(),
        intro=INTRO,
        terms=TERMS,
    )
    return Response(body, mimetype="text/html")
