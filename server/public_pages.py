"""What the public certificate page says, as JSON and as a small bilingual HTML page. Every
text from the database or the request is escaped; the page loads nothing (no script, no style
sheet, no image), and its Content-Security-Policy says so."""

from __future__ import annotations

from html import escape

from starlette.responses import HTMLResponse, JSONResponse, Response

from domain.public_status import NOT_RECORDED, WORDS, PublicStatus
from services.public_status import PublicCertificate

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Vary": "Accept",
}
CACHE = {"Cache-Control": "public, max-age=60"}
NO_STORE = {"Cache-Control": "no-store"}
STYLE = (
    "body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em}"
    "th{text-align:left;padding-right:1em;vertical-align:top}"
    ".VALID{color:#106010}.SUSPENDED,.EXPIRED,.NOT_YET_ISSUED{color:#905000}.REVOKED,.CANCELLED{color:#a01010}"
    ".UNKNOWN{color:#505050}"
)
TITLES = {400: "请求有误 Bad request", 404: "未找到 Not found", 429: "请求过于频繁 Too many requests"}


def as_json(cert: PublicCertificate, url: str | None) -> dict:
    zh, en = WORDS[cert.answer.status]
    return {
        "number": cert.number,
        "asOf": cert.answer.day.isoformat(),
        "status": cert.answer.status.value,
        "statusZh": zh,
        "statusEn": en,
        "statusesDuringDay": [s.value for s in cert.answer.during_day],
        "recordsBeginOn": cert.answer.records_begin.isoformat() if cert.answer.records_begin else None,
        "holder": cert.holder,
        "factoryName": cert.factory_name,
        "productCategory": {"code": cert.category_code, "name": cert.category_name, "nameZh": cert.category_name_zh},
        "issuedOn": cert.issued_on.isoformat(),
        "expiresOn": cert.expires_on.isoformat(),
        "url": url,
    }


def json_page(cert: PublicCertificate, url: str | None) -> Response:
    return JSONResponse(as_json(cert, url), headers=SECURITY_HEADERS | CACHE)


def _word(status: PublicStatus) -> str:
    zh, en = WORDS[status]
    return f'<strong class="{status.value}">{escape(zh)} <span lang="en">{escape(en)}</span></strong>'


def _document(title: str, body: str, canonical: str | None = None) -> str:
    link = f'<link rel="canonical" href="{escape(canonical)}">' if canonical else ""
    return (
        '<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta name="robots" content="noindex"><title>{escape(title)}</title>{link}<style>{STYLE}</style></head>'
        f"<body>{body}</body></html>"
    )


def html_page(cert: PublicCertificate, url: str | None) -> Response:
    answer = cert.answer
    if cert.for_past_day:
        when = f'{escape(answer.day.isoformat())} 当日（日终）状态 <span lang="en">status at the end of that day</span>'
    else:
        when = f'{escape(answer.day.isoformat())} 今日 <span lang="en">today</span>'
    during = ""
    if len(answer.during_day) > 1:
        steps = " → ".join(_word(s) for s in answer.during_day)
        during = f'<tr><th>当日变更 <span lang="en">Changed that day</span></th><td>{steps}</td></tr>'
    if answer.records_begin is not None:
        (zh, en), begins = NOT_RECORDED, answer.records_begin.isoformat()
        note = f'{zh}，记录始于 {begins} <span lang="en">{en}: records begin on {begins}</span>'
        during += f'<tr><th>说明 <span lang="en">Note</span></th><td>{note}</td></tr>'
    category = f'{escape(cert.category_name_zh)} <span lang="en">{escape(cert.category_name)}</span>'
    rows = (
        f'<tr><th>状态 <span lang="en">Status</span></th><td>{_word(answer.status)}</td></tr>'
        f'<tr><th>查询日期 <span lang="en">As of</span></th><td>{when}</td></tr>{during}'
        f'<tr><th>持证人 <span lang="en">Holder</span></th><td>{escape(cert.holder)}</td></tr>'
        f'<tr><th>生产厂 <span lang="en">Factory</span></th><td>{escape(cert.factory_name)}</td></tr>'
        f'<tr><th>产品类别 <span lang="en">Product category</span></th><td>{category}</td></tr>'
        f'<tr><th>发证日期 <span lang="en">Issued on</span></th><td>{cert.issued_on.isoformat()}</td></tr>'
        f'<tr><th>有效期至 <span lang="en">Valid until</span></th><td>{cert.expires_on.isoformat()}</td></tr>'
    )
    body = (
        f'<h1>CCC 证书 <span lang="en">certificate</span> {escape(cert.number)}</h1><table>{rows}</table>'
        '<form method="get"><label>查询某日状态 <span lang="en">Status on a date</span> '
        f'<input type="date" name="on" value="{escape(answer.day.isoformat())}" '
        f'max="{escape(cert.today.isoformat())}"></label> <button>查询 <span lang="en">Look up</span></button></form>'
    )
    page = _document(f"CCC {cert.number} {WORDS[answer.status][0]} {WORDS[answer.status][1]}", body, url)
    return HTMLResponse(page, headers=SECURITY_HEADERS | CACHE)


def public_refusal(status_code: int, code: str, message: str, want_json: bool, headers: dict | None = None) -> Response:
    """A 400, 404 or 429 with its message, in the form the client asked for."""
    extra = SECURITY_HEADERS | NO_STORE | (headers or {})
    if want_json:
        return JSONResponse({"error": message, "code": code}, status_code=status_code, headers=extra)
    title = TITLES.get(status_code, str(status_code))
    body = f"<h1>{escape(title)}</h1><p>{escape(message)}</p>"
    return HTMLResponse(_document(title, body), status_code=status_code, headers=extra)
