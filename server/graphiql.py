"""GraphiQL from the package's own files (server/static/graphiql: GraphiQL 3.8.3, React 18.3.1
production builds, MIT licensed, and surveil-graphiql.js): nothing is loaded from elsewhere, so it
works offline and no third party sees who uses it. Served only while SURVEIL_GRAPHIQL is on (off
in production by default)."""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent / "static" / "graphiql"
PREFIX = "/graphiql"
# Scripts and styles from this origin only, no inline script, no eval; GraphiQL sets inline styles.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>surveil GraphiQL</title>
<link rel="stylesheet" href="{prefix}/graphiql.min.css">
<link rel="stylesheet" href="{prefix}/surveil-graphiql.css">
</head>
<body>
<div id="graphiql" data-endpoint="{endpoint}">Loading GraphiQL…</div>
<script src="{prefix}/react.production.min.js"></script>
<script src="{prefix}/react-dom.production.min.js"></script>
<script src="{prefix}/graphiql.min.js"></script>
<script src="{prefix}/surveil-graphiql.js"></script>
</body>
</html>
"""


def page(endpoint: str) -> HTMLResponse:
    return HTMLResponse(PAGE.format(prefix=PREFIX, endpoint=endpoint), headers=HEADERS)


class _PackageFiles(StaticFiles):
    """The page's scripts and styles with the page's headers: never sniffed as another type, and
    a file opened on its own runs nothing and frames nothing."""

    def file_response(self, *args, **kwargs):
        response = super().file_response(*args, **kwargs)
        response.headers.update(HEADERS)
        return response

    async def get_response(self, path: str, scope):
        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:  # a 404 or 405 under /graphiql/ gets the same headers
            raise HTTPException(exc.status_code, exc.detail, headers={**(exc.headers or {}), **HEADERS}) from exc


def graphiql_routes(enabled: bool) -> list[Mount]:
    return [Mount(PREFIX, _PackageFiles(directory=STATIC), name="graphiql")] if enabled else []
