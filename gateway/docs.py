"""Interactive API docs at `/docs`: Swagger UI served from the `swagger-ui-bundle` package's assets.

Everything the page loads is local (`/docs/static/...` and `/docs/init.js`); nothing comes from the
internet, and no inline script is used. Must not generate the OpenAPI document itself.
"""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle  # type: ignore[import-untyped]
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

ASSETS = Path(str(swagger_ui_bundle.swagger_ui_path))

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title}</title>
  <link rel="stylesheet" href="/docs/static/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/static/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/static/swagger-ui-bundle.js"></script>
  <script src="/docs/static/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
"""

_INIT = """window.addEventListener("load", function () {{
  window.ui = SwaggerUIBundle({{
    url: "{openapi_url}",
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout"
  }});
}});
"""


def docs_routes(openapi_url: str = "/openapi.json", title: str = "jobmesh API") -> list[BaseRoute]:
    """The `/docs` page, its initializer script and the bundled Swagger UI assets."""
    page = _PAGE.format(title=title)
    init = _INIT.format(openapi_url=openapi_url)

    async def docs(_: Request) -> Response:
        return HTMLResponse(page)

    async def init_js(_: Request) -> Response:
        return Response(init, media_type="text/javascript")

    return [
        Route("/docs", docs, methods=["GET"]),
        Route("/docs/", docs, methods=["GET"]),
        Route("/docs/init.js", init_js, methods=["GET"]),
        Mount("/docs/static", app=StaticFiles(directory=ASSETS), name="docs-static"),
    ]
