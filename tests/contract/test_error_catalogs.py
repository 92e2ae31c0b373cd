"""Every text a person reads in an error exists in Chinese and English: the code's messages are
constant English templates (the msgids), `locales/zh/errors.po` gives each its Chinese with the
same fields, `locales/en/errors.po` lists each (empty: English is the msgid itself, the identity
rule), and every domain word a message carries (`Term`: statuses, kinds, error codes) has its
Chinese in `locales/zh/terms.po`. After changing a message: `surveil i18n extract`, then
translate the new entries (`surveil i18n fill TABLE`)."""

from __future__ import annotations

import textwrap

from babel.messages.pofile import read_po

from domain.errors import DomainError, ErrorCode, Term, noun, term
from domain.tasks import TaskStatus
from services.i18n import LOCALES
from services.i18n.errors import fields, render, render_error
from services.i18n.extract import scan
from services.i18n.terms import all_terms


def _raw(language: str, domain: str) -> dict[str, str]:
    with (LOCALES / language / f"{domain}.po").open("rb") as handle:
        return {m.id: m.string or "" for m in read_po(handle) if m.id}


FOUND = scan()


def test_every_error_message_is_a_constant_template_with_the_fields_its_call_passes():
    assert FOUND.problems == []
    assert len(FOUND.msgids) > 300


def test_every_msgid_has_its_chinese_text_with_the_same_fields():
    zh = _raw("zh", "errors")
    untranslated = [m for m in FOUND.msgids if not zh.get(m)]
    assert untranslated == [], "run `surveil i18n extract` and translate these"
    misfits = [(m, zh[m]) for m in FOUND.msgids if fields(zh[m]) != fields(m)]
    assert misfits == []


def test_english_is_the_msgid_unless_the_catalog_says_otherwise_with_the_same_fields():
    en = _raw("en", "errors")
    assert set(en) == set(FOUND.msgids)
    assert [(m, t) for m, t in en.items() if t and fields(t) != fields(m)] == []


def test_the_catalogs_hold_no_entries_the_code_no_longer_has():
    assert set(_raw("zh", "errors")) == set(FOUND.msgids)
    assert set(_raw("zh", "terms")) == set(all_terms())


def test_every_domain_word_and_every_error_code_has_its_chinese():
    zh = _raw("zh", "terms")
    assert [key for key in all_terms() if not zh.get(key)] == []
    for code in ErrorCode:  # a code reads in both languages: English is its own name
        assert zh[term(code).key] and term(code).english


def test_the_scan_refuses_computed_messages_and_fields_the_call_does_not_pass(tmp_path):
    (tmp_path / "domain").mkdir()
    (tmp_path / "domain" / "bad.py").write_text(
        textwrap.dedent(
            """
            from domain.errors import DomainError, ErrorCode
            def f(status, x):
                raise DomainError(ErrorCode.INVALID, f"a {status} task", ("taskId",))
            def g():
                raise DomainError(ErrorCode.INVALID, "a {status} task", ("taskId",))
            def h(status):
                raise DomainError(ErrorCode.INVALID, "a task", ("taskId",), status=status)
            def k(status):
                raise DomainError(ErrorCode.INVALID, "a {status} task", ("taskId",), status=status)
            """
        ),
        encoding="utf-8",
    )
    found = scan(tmp_path)
    assert [p.split(": ", 1)[0] for p in found.problems] == ["domain/bad.py:4", "domain/bad.py:6", "domain/bad.py:8"]
    assert "not a string constant" in found.problems[0]
    assert "names ['status'] but the call passes []" in found.problems[1]
    assert "names [] but the call passes ['status']" in found.problems[2]
    assert found.msgids == {"a {status} task": {"status"}, "a task": set()}


def test_rendering_translates_terms_and_nested_errors_and_english_stays_the_message():
    inner = DomainError(ErrorCode.CONFLICT, "a task that is {current} cannot become {target}", (),
                        current=term(TaskStatus.DRAFT), target=term(TaskStatus.ARCHIVED))  # fmt: skip
    outer = DomainError(ErrorCode.INVALID, "certificate {number}: {reason}", ("outcome",), number="2021", reason=inner)
    assert outer.message == "certificate 2021: a task that is draft cannot become archived"
    assert render_error(outer, "en") == outer.message
    assert render_error(outer, "zh") == "证书 2021：草稿的任务不能变为已归档"
    assert render("no such {noun}", {"noun": noun("checklist item")}, "zh") == "没有该检查项"


def test_a_gap_in_a_catalog_reads_english_rather_than_failing():
    assert render("a text no catalog has {x}", {"x": 1}, "zh") == "a text no catalog has 1"
    assert render("no such {noun}", {"noun": Term("noun.unheard-of", "thing")}, "zh") == "没有该thing"
