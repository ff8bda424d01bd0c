"""The console's pages (Jinja2, htmx partials) over the same services the API uses.

Loaded lazily by `api.console.mount.LazyConsole`: never on the ingest or webhook path.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs

from botocore.exceptions import BotoCoreError, ClientError
from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import ValidationError as PydanticValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.console.i18n import Translator, negotiate
from api.console.session import (
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    SIGN_IN_COOKIE,
    ConsoleSession,
    SessionSigner,
    tokens_match,
)
from api.console.views import (
    brand_overview,
    brand_page_data,
    highlight,
    queue_page,
    sparkline_points,
    topic_words,
)
from api.pagination import CURSOR_PATTERN
from api.problems import (
    Conflict,
    Forbidden,
    NotFound,
    ProblemError,
    ServiceBusy,
    ValidationFailed,
)
from api.queue.schemas import HandlingStatus, HandlingUpdate
from api.services import Services
from api.storage.retry import StoreBusyError, is_transient
from api.subscriptions.schemas import DeliveryFormat, EventType, SubscriptionCreate
from api.subscriptions.secrets import SubscriptionSecretsNotConfigured
from api.workspaces.service import KEY_PREFIX, Principal, hash_api_key

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
MAX_FORM_BYTES = 16_384

# No inline script or style anywhere: the pages load /app/static files only. The timeline data
# travels in a `type="application/json"` block, which no browser executes.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class SignInRequired(Exception):
    """No valid session: a page redirects to the sign-in, an htmx request is told to."""


class CsrfRefused(Exception):
    """A state-changing request without the session's CSRF token."""


def build_console(services: Services) -> FastAPI:
    settings = services.settings
    signer = SessionSigner(settings.secrets_key, settings.console_session_hours * 3600)
    environment = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    console = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    console.state.services = services
    console.state.signer = signer
    console.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def render(
        request: Request,
        template: str,
        context: dict[str, Any],
        *,
        status_code: int = 200,
        session: ConsoleSession | None = None,
    ) -> HTMLResponse:
        language = negotiate(request.headers.get("accept-language"))
        values = {
            "t": Translator(language),
            "topic_words": topic_words,
            "highlight": highlight,
            "lang": language,
            "session": session,
            "base": _base(request),
            "now": datetime.now(UTC),
            **context,
        }
        if session is not None:
            values["csrf"] = session.csrf
        body = environment.get_template(template).render(values)
        response = HTMLResponse(body, status_code=status_code, headers=SECURITY_HEADERS)
        response.headers["Vary"] = "Accept-Language, Cookie"
        return response

    async def form_of(request: Request, session: ConsoleSession | None) -> dict[str, str]:
        """The urlencoded body's fields (first values), once its CSRF token matched."""
        return {name: values[0] for name, values in (await form_lists(request, session)).items()}

    async def form_lists(request: Request, session: ConsoleSession | None) -> dict[str, list[str]]:
        """The urlencoded body, once its CSRF token matched (header or field)."""
        if request.headers.get("content-type", "").split(";")[0].strip() != (
            "application/x-www-form-urlencoded"
        ):
            raise CsrfRefused
        raw = await request.body()
        if len(raw) > MAX_FORM_BYTES:
            raise CsrfRefused
        fields = {k: v for k, v in parse_qs(raw.decode(errors="replace")).items() if v}
        expected = (
            session.csrf if session else signer.sign_in_nonce(request.cookies.get(SIGN_IN_COOKIE))
        )
        given = request.headers.get(CSRF_HEADER) or fields.get(CSRF_FIELD, [None])[0]
        if not tokens_match(expected, given) or not _same_origin(request):
            raise CsrfRefused
        return fields

    @console.exception_handler(SignInRequired)
    async def on_sign_in_required(request: Request, _: Exception) -> Response:
        target = _base(request) + "/sign-in"
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @console.exception_handler(CsrfRefused)
    async def on_csrf_refused(request: Request, _: Exception) -> Response:
        return render(request, "error.html", {"code": 403, "message_key": "error.csrf"},
                      status_code=403)  # fmt: skip

    @console.exception_handler(ProblemError)
    async def on_problem(request: Request, error: Exception) -> Response:
        assert isinstance(error, ProblemError)
        key = "error.not_found" if isinstance(error, NotFound) else "error.invalid"
        if isinstance(error, Forbidden):
            key = "error.read_only"
        if isinstance(error, ServiceBusy):
            key = "error.busy"
        elif isinstance(error, SubscriptionSecretsNotConfigured):
            key = "error.secrets"
        response = render(
            request, "error.html", {"code": error.status, "message_key": key},
            status_code=error.status,
        )  # fmt: skip
        response.headers.update(error.headers)
        return response

    async def on_store_error(request: Request, error: Exception) -> Response:
        """As the API answers /v1 (api.app.install_store_busy_handlers): throttled, timed out or
        refused, the store's failure is a 503 page with Retry-After, never a bare 500. A raw
        botocore error reaches here from the calls only botocore retries (brand, key lookups)."""
        if not is_transient(error):
            logger.error("DynamoDB refused a call on %s: %r", request.url.path, error)
        response = render(request, "error.html", {"code": 503, "message_key": "error.busy"},
                          status_code=503)  # fmt: skip
        response.headers["Retry-After"] = "2"
        return response

    for store_error in (StoreBusyError, ClientError, BotoCoreError):
        console.add_exception_handler(store_error, on_store_error)

    @console.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        key = "error.not_found" if error.status_code == 404 else "error.invalid"
        return render(request, "error.html", {"code": error.status_code, "message_key": key},
                      status_code=error.status_code)  # fmt: skip

    # A path, query or form value the route refuses (a forged brand id, an unknown status):
    # the console's page, not FastAPI's JSON, which would also echo the input back.
    @console.exception_handler(RequestValidationError)
    @console.exception_handler(422)
    async def on_invalid(request: Request, _: Exception) -> Response:
        return render(request, "error.html", {"code": 422, "message_key": "error.invalid"},
                      status_code=422)  # fmt: skip

    @console.get("/")
    def home(request: Request) -> Response:
        has_session = signer.read_session(request.cookies.get(SESSION_COOKIE)) is not None
        return RedirectResponse(
            _base(request) + ("/brands" if has_session else "/sign-in"), status_code=303
        )

    @console.get("/sign-in")
    def sign_in_page(request: Request) -> Response:
        return _sign_in_form(request, error_key=None)

    def _sign_in_form(request: Request, error_key: str | None) -> Response:
        nonce, cookie = signer.new_sign_in_nonce()
        response = render(
            request, "sign_in.html", {"csrf": nonce, "error_key": error_key},
            status_code=401 if error_key else 200,
        )  # fmt: skip
        _set_cookie(request, response, SIGN_IN_COOKIE, cookie, max_age=3600)
        return response

    @console.post("/sign-in")
    async def sign_in(request: Request) -> Response:
        fields = await form_of(request, None)
        key = fields.get("api_key", "").strip()
        name = fields.get("name", "").strip()[:100] or "console"
        principal = None
        if key.startswith(KEY_PREFIX) and len(key) <= 200:
            key_hash = hash_api_key(key)
            principal = services.api_keys.principal_for_hash(key_hash)
        if principal is None:
            return _sign_in_form(request, error_key="sign_in.invalid")
        _, cookie = signer.new_session(principal.workspace, key_hash, name)
        response = RedirectResponse(_base(request) + "/brands", status_code=303)
        _set_cookie(request, response, SESSION_COOKIE, cookie, max_age=signer.lifetime_seconds)
        response.delete_cookie(SIGN_IN_COOKIE, path=_base(request) + "/")
        return response

    @console.post("/sign-out")
    async def sign_out(request: Request, session: SessionDep) -> Response:
        await form_of(request, session)
        response = RedirectResponse(_base(request) + "/sign-in", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path=_base(request) + "/")
        return response

    @console.get("/brands")
    def brands(request: Request, session: SessionDep) -> Response:
        principal = Principal(workspace=session.workspace)
        page = services.brands.list(principal, 50, None)
        now = datetime.now(UTC)
        rows = [brand_overview(services, principal, brand, now) for brand in page.items]
        return render(request, "brands.html", {"rows": rows, "sparkline": sparkline_points},
                      session=session)  # fmt: skip

    @console.get("/brands/{brand_id}")
    def brand(
        request: Request,
        session: SessionDep,
        brand_id: BrandPath,
        at: Annotated[str | None, Query(max_length=64)] = None,
        status: HandlingStatus = HandlingStatus.open,
        cursor: CursorQuery = None,
    ) -> Response:
        principal = Principal(workspace=session.workspace)
        replay_at = _parse_at(at)
        data = brand_page_data(services, principal, brand_id, replay_at, status, cursor)
        return render(request, "brand.html", data,
                      session=session)  # fmt: skip

    @console.get("/brands/{brand_id}/queue")
    def queue_section(
        request: Request,
        session: SessionDep,
        brand_id: BrandPath,
        status: HandlingStatus = HandlingStatus.open,
        cursor: CursorQuery = None,
    ) -> Response:
        """The answer-queue section alone (htmx: a status tab, the next page)."""
        principal = Principal(workspace=session.workspace)
        brand = services.brands.get(principal, brand_id)
        if not request.headers.get("hx-request"):
            return RedirectResponse(
                f"{_base(request)}/brands/{brand.id}?{request.url.query}", status_code=303
            )
        context = {
            "brand": brand,
            "queue": queue_page(services, principal.workspace, brand.id, status, cursor),
            "queue_status": status,
            "cursor": cursor,
            "summary": services.queue.summary(principal.workspace, brand.id),
        }
        return render(request, "_queue.html", context, session=session)

    @console.get("/brands/{brand_id}/mentions/{mention_id}")
    def mention_detail(
        request: Request, session: SessionDep, brand_id: BrandPath, mention_id: MentionPath
    ) -> Response:
        principal = Principal(workspace=session.workspace)
        brand = services.brands.get(principal, brand_id)
        stored = services.mentions.get(principal.workspace, brand.id, mention_id)
        template = "_mention.html" if request.headers.get("hx-request") else "mention.html"
        return render(request, template, {"brand": brand, "stored": stored}, session=session)

    @console.post("/brands/{brand_id}/mentions/{mention_id}/status")
    async def set_status(
        request: Request, session: WritableSessionDep, brand_id: BrandPath, mention_id: MentionPath
    ) -> Response:
        fields = await form_of(request, session)
        try:
            status = HandlingStatus(fields.get("status", ""))
        except ValueError:
            return render(request, "error.html", {"code": 422, "message_key": "error.invalid"},
                          status_code=422, session=session)  # fmt: skip
        principal = Principal(workspace=session.workspace)
        brand = services.brands.get(principal, brand_id)
        note = fields.get("note", "").strip()[:1000] or None
        stored = services.queue.set_status(
            principal.workspace, brand.id, mention_id,
            HandlingUpdate(status=status, note=note, by=session.name),
        )  # fmt: skip
        if not request.headers.get("hx-request"):
            return RedirectResponse(f"{_base(request)}/brands/{brand.id}", status_code=303)
        summary = services.queue.summary(principal.workspace, brand.id)
        return render(request, "_queue_row.html",
                      {"brand": brand, "item": stored, "summary": summary, "oob": True},
                      session=session)  # fmt: skip

    # --- outbound subscriptions (the subscriptions service, as the API's router calls it) ---

    def subscriptions_page(
        request: Request,
        session: ConsoleSession,
        cursor: str | None,
        *,
        form: dict[str, list[str]] | None = None,
        error: str | None = None,
        status_code: int = 200,
    ) -> Response:
        principal = Principal(workspace=session.workspace)
        listing = services.subscriptions.list(principal, 50, cursor)
        brands = services.brands.list(principal, 100, None).items
        context = {
            "subscriptions": listing,
            "cursor": cursor,
            "brands": brands,
            "event_types": [event.value for event in EventType],
            "formats": [choice.value for choice in DeliveryFormat],
            "form": form or {"events": [EventType.brand_tier_changed.value]},
            "form_error": error,
        }
        return render(request, "subscriptions.html", context, status_code=status_code,
                      session=session)  # fmt: skip

    @console.get("/subscriptions")
    def subscriptions(
        request: Request, session: SessionDep, cursor: CursorQuery = None
    ) -> Response:
        return subscriptions_page(request, session, cursor)

    @console.post("/subscriptions")
    async def create_subscription(request: Request, session: WritableSessionDep) -> Response:
        fields = await form_lists(request, session)
        first = {name: values[0].strip() for name, values in fields.items()}
        brand_ids = [value for value in fields.get("brand_ids", []) if value]
        try:
            body = SubscriptionCreate.model_validate(
                {
                    "url": first.get("url", ""),
                    "events": fields.get("events", []),
                    "brand_ids": brand_ids or None,
                    "description": first.get("description", ""),
                    "format": first.get("format") or DeliveryFormat.standard_webhooks.value,
                }
            )
        except PydanticValidationError as invalid:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in invalid.errors()
            )
            return subscriptions_page(request, session, None, form=fields, error=problems,
                                      status_code=422)  # fmt: skip
        principal = Principal(workspace=session.workspace)
        try:
            created = services.subscriptions.create(principal, body)
        except (ValidationFailed, Conflict) as refused:
            return subscriptions_page(request, session, None, form=fields, error=refused.detail,
                                      status_code=refused.status)  # fmt: skip
        # The secret is in this answer only (no-store): never in a URL, a cookie or a later page.
        return render(request, "subscription_created.html", {"subscription": created},
                      status_code=201, session=session)  # fmt: skip

    @console.get("/subscriptions/{subscription_id}")
    def subscription_detail(
        request: Request,
        session: SessionDep,
        subscription_id: SubscriptionPath,
        cursor: CursorQuery = None,
    ) -> Response:
        principal = Principal(workspace=session.workspace)
        subscription = services.subscriptions.get(principal, subscription_id)
        deliveries = services.subscriptions.deliveries(principal, subscription.id, 25, cursor)
        context = {"subscription": subscription, "deliveries": deliveries, "cursor": cursor}
        return render(request, "subscription.html", context, session=session)

    @console.post("/subscriptions/{subscription_id}/test")
    async def test_subscription(
        request: Request, session: WritableSessionDep, subscription_id: SubscriptionPath
    ) -> Response:
        await form_of(request, session)
        principal = Principal(workspace=session.workspace)
        services.subscriptions.send_test(principal, subscription_id)
        return RedirectResponse(
            f"{_base(request)}/subscriptions/{subscription_id}", status_code=303
        )

    @console.post("/subscriptions/{subscription_id}/events/{event_id}/resend")
    async def resend_event(
        request: Request,
        session: WritableSessionDep,
        subscription_id: SubscriptionPath,
        event_id: EventPath,
    ) -> Response:
        await form_of(request, session)
        principal = Principal(workspace=session.workspace)
        subscription = services.subscriptions.get(principal, subscription_id)  # 404 if not ours
        queued = services.subscriptions.resend(principal, event_id)
        if not request.headers.get("hx-request"):
            return RedirectResponse(
                f"{_base(request)}/subscriptions/{subscription.id}", status_code=303
            )
        return render(request, "_resent.html", {"queued": queued}, session=session)

    @console.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            if name == "Cache-Control" and "/static/" in request.url.path:
                response.headers[name] = "public, max-age=3600"
                continue
            response.headers.setdefault(name, value)
        return response

    return console


def current_session(request: Request) -> ConsoleSession:
    """The signed-in session, or SignInRequired (expired, forged, or its key revoked)."""
    signer: SessionSigner = request.app.state.signer
    services: Services = request.app.state.services
    session = signer.read_session(request.cookies.get(SESSION_COOKIE))
    if session is None:
        raise SignInRequired
    principal = services.api_keys.principal_for_hash(session.key_hash)
    if principal is None or principal.workspace != session.workspace:
        raise SignInRequired
    return session


SessionDep = Annotated[ConsoleSession, Depends(current_session)]


def writable_session(request: Request, session: SessionDep) -> ConsoleSession:
    """The session, if its key may change things: every state-changing page depends on this, so
    a read-only key's session (an auditor, a screen on the wall) can look but never act."""
    services: Services = request.app.state.services
    signed_in_as = services.api_keys.principal_for_hash(session.key_hash)
    if signed_in_as is None or signed_in_as.read_only:
        raise Forbidden("Signed in with a read-only API key: the console only shows.")
    return session


WritableSessionDep = Annotated[ConsoleSession, Depends(writable_session)]
BrandPath = Annotated[str, PathParam(max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
MentionPath = Annotated[str, PathParam(max_length=64, pattern=r"^m_[a-z2-7]+$")]
SubscriptionPath = Annotated[str, PathParam(max_length=64, pattern=r"^sub_[a-z2-7]+$")]
EventPath = Annotated[str, PathParam(max_length=64, pattern=r"^evt_[a-z2-7]+$")]
CursorQuery = Annotated[str | None, Query(max_length=2048, pattern=CURSOR_PATTERN)]


def _base(request: Request) -> str:
    """The console's own prefix (/app), as mounted."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def _same_origin(request: Request) -> bool:
    """A browser sends Origin on POSTs: it must be this host (defence in depth over the token)."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


def _set_cookie(
    request: Request, response: Response, name: str, value: str, *, max_age: int
) -> None:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip()
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=_base(request) + "/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https" or forwarded == "https",
    )


def _parse_at(text: str | None) -> datetime | None:
    """The replay picker's value (`datetime-local`, read as UTC) or an RFC 3339 instant."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed("at: not a date and time.") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-05:00 is in year 10000 in UTC
        raise ValidationFailed("at: outside the years 1 to 9999 in UTC.") from None
