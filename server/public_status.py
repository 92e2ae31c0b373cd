"""Public certificate status without a token (docs: README, "Public certificate status"):

- GET /public/certificates/{number}[?on=YYYY-MM-DD][&format=json|html]: today's status, or the
  status on a past day, as JSON (`Accept: application/json` or `?format=json`) or as a small
  bilingual HTML page (the default);
- GET /public/certificates/{number}/qr.svg and /qr.png: a QR code of the page's address, for
  printing (PUBLIC_BASE_URL; outside production the request's own base URL when unset).

An Authorization header is ignored: a token neither opens nor changes anything here. Every
request counts against the client's budget (server/rate_limit.py) before anything is read;
over it, a 429 with Retry-After. Malformed input is a 400, an unknown number a 404, each with a
message in Chinese and English, in the form asked for."""

from __future__ import annotations

import functools
import io

import segno
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain.errors import DomainError, ErrorCode, msg
from domain.public_status import public_url
from server.public_pages import SECURITY_HEADERS, html_page, json_page, public_refusal
from server.rate_limit import PublicRateLimit
from server.settings import Settings
from services.i18n.errors import render
from services.public_status import public_certificate, registered_number

FORMATS = {"json": True, "html": False}
QR_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def wants_json(request: Request) -> bool:
    """?format=json|html decides; else JSON when the client's Accept names application/json
    before (or without) text/html. Browsers name text/html: they get the page."""
    chosen = request.query_params.get("format")
    if chosen is not None and len(request.query_params.getlist("format")) == 1:
        return FORMATS.get(chosen.strip().lower()[:8], True)  # an unknown format is refused in JSON (check_format)
    accept = request.headers.get("accept", "")[:1024].lower()
    json_at, html_at = accept.find("application/json"), accept.find("text/html")
    return json_at >= 0 and (html_at < 0 or json_at < html_at)


def _check_format(request: Request) -> None:
    chosen = request.query_params.get("format")
    if chosen is not None and chosen.strip().lower() not in FORMATS:
        raise DomainError(ErrorCode.INVALID, "The format is json or html")


def _check_single(request: Request) -> None:
    """`?on=` and `?format=` at most once each: two dates (or formats) pasted into one link would
    otherwise answer for one of them, and a proxy or firewall may read the other."""
    for name in ("on", "format"):
        given = request.query_params.getlist(name)
        if len(given) > 1:
            shown = ", ".join(repr(value[:32]) for value in given[:4]) + (", …" if len(given) > 4 else "")
            raise DomainError(
                ErrorCode.INVALID,
                "Give {name} once, not {count} times ({name}={shown})",
                name=name,
                count=len(given),
                shown=shown,
            )


def both_languages(template: str, **params: object) -> str:
    """The public page speaks to anyone: every refusal in Chinese, then English."""
    return f"{render(template, params, 'zh')} {render(template, params, 'en')}"


def base_url(settings: Settings, request: Request) -> str:
    return settings.public_base_url or str(request.base_url)


@functools.lru_cache(maxsize=512)
def qr_image(url: str, kind: str) -> bytes:
    """The QR code (error correction M) of `url`; the SVG carries the address as its title."""
    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    if kind == "svg":
        code.save(out, kind="svg", scale=4, border=4, title=url)
    else:
        code.save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def public_routes(settings: Settings, limit: PublicRateLimit) -> list[Route]:
    async def refused(request: Request, want_json: bool) -> Response | None:
        wait = await limit.retry_after(request)
        if wait is None:
            return None
        message = msg("Too many requests from your address: try again in {seconds} s")
        return public_refusal(429, "RATE_LIMITED", both_languages(message, seconds=wait), want_json,
                              {"Retry-After": str(wait)})  # fmt: skip

    def bad(exc: DomainError, want_json: bool) -> Response:
        status = 404 if exc.code == ErrorCode.NOT_FOUND else 400
        return public_refusal(status, exc.code.value, both_languages(exc.template, **exc.params), want_json)

    async def page(request: Request) -> Response:
        want_json = wants_json(request)
        if (over := await refused(request, want_json)) is not None:
            return over
        try:
            _check_single(request)
            _check_format(request)
            cert = await public_certificate(request.path_params["number"], request.query_params.get("on"))
        except DomainError as exc:
            return bad(exc, want_json)
        url = public_url(base_url(settings, request), cert.number)
        return json_page(cert, url) if want_json else html_page(cert, url)

    async def qr(request: Request) -> Response:
        want_json = "application/json" in request.headers.get("accept", "")[:1024].lower()
        if (over := await refused(request, want_json)) is not None:
            return over
        kind = request.path_params["kind"]
        if kind not in QR_TYPES:
            return public_refusal(404, "NOT_FOUND", both_languages(msg("A QR code is qr.svg or qr.png")), want_json)
        try:
            number = await registered_number(request.path_params["number"])
        except DomainError as exc:
            return bad(exc, want_json)
        url = public_url(base_url(settings, request), number)
        if url is None:  # registered under a number the public page cannot serve
            return public_refusal(
                404, "NOT_FOUND", both_languages(msg("This certificate has no public page")), want_json
            )
        headers = SECURITY_HEADERS | {
            "Cache-Control": "public, max-age=86400",
            "Content-Disposition": f'inline; filename="CCC-{number}-qr.{kind}"',
        }
        return Response(qr_image(url, kind), media_type=QR_TYPES[kind], headers=headers)

    return [
        Route("/public/certificates/{number}", page, methods=["GET"]),
        Route("/public/certificates/{number}/qr.{kind}", qr, methods=["GET"]),
    ]
