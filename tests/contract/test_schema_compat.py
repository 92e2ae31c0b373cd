"""Today's schema against the released contract: a breaking change needs an approval with a reason."""

import re

import pytest

from server.cli import SCHEMA_PATH, parser
from server.schema_release import APPROVALS_PATH, RELEASED_PATH, compare, load_approvals


def test_no_unapproved_breaking_change_since_the_release():
    result = compare(
        RELEASED_PATH.read_text(encoding="utf-8"),
        SCHEMA_PATH.read_text(encoding="utf-8"),
        APPROVALS_PATH.read_text(encoding="utf-8"),
    )
    for warning in result.dangerous:
        print(f"dangerous change (clients may behave differently): {warning}")
    assert not result.unapproved, (
        "breaking changes against schema/released.graphql; keep the old field (deprecate it) or list each "
        "in schema/approved_breaks.toml with a reason:\n" + "\n".join(result.unapproved)
    )
    assert not result.stale, f"approvals that match no change any more, remove them: {result.stale}"


def renamed(sdl: str) -> str:
    out, n = re.subn(r"^(\s+)province(\W)", r"\1provinceName\2", sdl, count=1, flags=re.M)
    assert n == 1
    return out


SMALL = '''
"""A factory."""
type Factory {
  """Province (省份)."""
  province: String!
  """Its name."""
  name: String!
}
type Query {
  """One factory."""
  factory: Factory
}
'''


def test_a_renamed_field_fails():
    result = compare(SMALL, renamed(SMALL))
    assert result.unapproved == ["FIELD_REMOVED: Field Factory.province was removed."]


def test_the_same_rename_approved_with_a_reason_passes():
    approvals = '[[break]]\nchange = "Field Factory.province was removed."\nreason = "renamed; front ends told"\n'
    result = compare(SMALL, renamed(SMALL), approvals)
    assert result.unapproved == [] and result.approved == ["FIELD_REMOVED: Field Factory.province was removed."]
    assert compare(SMALL, SMALL, approvals).stale == ["Field Factory.province was removed."]


def test_the_real_factory_province_rename_fails_against_the_real_baseline():
    released = RELEASED_PATH.read_text(encoding="utf-8")
    text = re.sub(
        r"(type Factory implements Node \{.*?\n)(\s+)province:", r"\1\2provinceName:", released, count=1, flags=re.S
    )
    assert text != released
    assert "FIELD_REMOVED: Field Factory.province was removed." in compare(released, text).unapproved


def test_an_approval_needs_a_reason():
    with pytest.raises(ValueError, match="reason"):
        load_approvals('[[break]]\nchange = "Field Factory.province was removed."\n')


def test_a_nullable_argument_added_is_only_dangerous():
    new = SMALL.replace("factory: Factory", "factory(id: ID): Factory")
    new = new.replace("name: String!\n}", "name: String!\n  kind: String\n}")
    result = compare(SMALL, new)
    assert result.unapproved == []


def test_a_changed_argument_default_needs_an_approval_like_a_break():
    """A client that leaves the argument out would silently get another answer."""
    before = SMALL.replace("factory: Factory", "factory(first: Int = 10): Factory")
    after = SMALL.replace("factory: Factory", "factory(first: Int = 50): Factory")
    result = compare(before, after)
    assert result.unapproved == [
        "ARG_DEFAULT_VALUE_CHANGE: Query.factory(first:) has changed defaultValue from 10 to 50."
    ]
    approval = '[[break]]\nchange = "Query.factory(first:) has changed defaultValue from 10 to 50."\nreason = "told"\n'
    assert compare(before, after, approval).unapproved == [] and result.dangerous == []


def test_release_moves_the_baseline_and_empties_the_approvals(tmp_path):
    from server.schema_release import release

    released, approvals = tmp_path / "released.graphql", tmp_path / "approved.toml"
    approvals.write_text('[[break]]\nchange = "x"\nreason = "y"\n', encoding="utf-8")
    release(SMALL, released, approvals)
    assert released.read_text(encoding="utf-8") == SMALL and load_approvals(approvals.read_text()) == {}


def test_the_cli_knows_release():
    assert parser().parse_args(["schema", "release"]).action == "release"
    with pytest.raises(SystemExit):
        parser().parse_args(["schema", "nonsense"])
