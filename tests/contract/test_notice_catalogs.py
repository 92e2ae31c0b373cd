"""Every notice kind has a title and a body in every language, and every field a template uses is
a param the emitting code passes: the templates are checked against the kind's declared params
(domain/notice_params.py), and the emitting code is held to exactly those params when it writes
the outbox row (`check_params`, exercised by tests/api/test_notice_events.py)."""

from string import Formatter

import pytest

from domain.notice_params import PARAMS, check_params
from domain.notices import LANGUAGES, NoticeKind
from services.i18n import catalog, translate


def fields(text: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in Formatter().parse(text) if name is not None}


def test_every_kind_declares_its_params():
    assert set(PARAMS) == set(NoticeKind)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(NoticeKind))
def test_both_texts_exist_and_use_only_declared_params(kind, language):
    texts = catalog("notices", language)
    for part in ("title", "body"):
        text = texts.get(f"{kind.value}.{part}")
        assert text, f"{language}: no {kind.value}.{part}"
        assert fields(text) <= PARAMS[kind], f"{language} {kind.value}.{part} uses {fields(text) - PARAMS[kind]}"
        assert "" not in fields(text), "positional fields cannot be filled from params"
        rendered = translate("notices", f"{kind.value}.{part}", language, **{p: f"<{p}>" for p in PARAMS[kind]})
        assert "{" not in rendered


def test_no_stray_messages():
    """A template for a kind that no longer exists is a leftover a translator would maintain."""
    kinds = {k.value for k in NoticeKind}
    for language in LANGUAGES:
        for msgid in catalog("notices", language):
            assert msgid.rsplit(".", 1)[0] in kinds and msgid.rsplit(".", 1)[1] in ("title", "body"), msgid


def test_params_are_checked_at_emission():
    good = {p: "x" for p in PARAMS[NoticeKind.DECISION_DUE]}
    check_params(NoticeKind.DECISION_DUE, good)
    with pytest.raises(ValueError, match="missing"):
        check_params(NoticeKind.DECISION_DUE, {k: v for k, v in good.items() if k != "task_number"})
    with pytest.raises(ValueError, match="undeclared"):
        check_params(NoticeKind.DECISION_DUE, {**good, "factory_class": "A"})
    with pytest.raises(ValueError, match="JSON scalars"):
        check_params(NoticeKind.DECISION_DUE, {**good, "task_number": object()})
