"""setMyLanguage: the language a person reads errors and notices in."""

from __future__ import annotations

import strawberry

from resolvers.plumbing import mutation, run
from schema import enums
from schema.idempotency import idempotency_key_field
from schema.types import UserError
from services import preferences
from services.i18n import choose_language, known_language


@strawberry.input(description="语言偏好 Choose the language you read, or null to follow your browser.")
class SetMyLanguageInput:
    language: enums.Language | None = strawberry.field(
        default=None, description="ZH 中文 or EN English; null: your browser's Accept-Language decides (else Chinese)."
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type(description="Your language setting as it is now, or why not.")
class SetMyLanguagePayload:
    language: enums.Language | None = strawberry.field(description="Your chosen language; null: the browser decides.")
    effective_language: enums.Language | None = strawberry.field(
        description="The language your requests are answered in from now on (with this request's Accept-Language)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why the request was refused.")


@strawberry.type
class PreferenceMutation:
    @mutation(description="设置语言 Choose the language of your user errors and notices (or follow the browser).")
    async def set_my_language(self, info: strawberry.Info, input: SetMyLanguageInput) -> SetMyLanguagePayload:
        session = info.context.require_session
        chosen = input.language.value if input.language is not None else None
        user, errors = await run(preferences.set_my_language(session, language=chosen))
        if user is None:
            return SetMyLanguagePayload(language=None, effective_language=None, user_errors=errors)
        stored = known_language(user.language)
        return SetMyLanguagePayload(
            language=enums.Language(stored) if stored else None,
            effective_language=enums.Language(choose_language(stored, info.context.accept_language)),
            user_errors=[],
        )
