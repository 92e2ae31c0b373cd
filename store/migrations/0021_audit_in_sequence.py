"""Audit records are appended in sequence: a new record must take the next number after the
head and carry the head's hash as its prev_hash. A record slipped in before the first one (seq
0 or below), between two, or pointing at another record is refused at the database."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from store.migration_helpers import per_dialect

# The first record's prev_hash is domain.audit_chain.GENESIS (64 zeros), spelled out here:
# a migration must not change when the code does.
_OUT_OF_SEQUENCE = (
    "NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_entry) "
    "OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM audit_entry WHERE seq = NEW.seq - 1), "
    "'0000000000000000000000000000000000000000000000000000000000000000')"
)
SQLITE = f"""
CREATE TRIGGER audit_entry_in_sequence BEFORE INSERT ON audit_entry
WHEN {_OUT_OF_SEQUENCE}
BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: records are appended in sequence'); END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS audit_entry_in_sequence;"
POSTGRES = f"""
CREATE OR REPLACE FUNCTION audit_entry_append_in_sequence() RETURNS trigger AS $$
BEGIN
  IF {_OUT_OF_SEQUENCE.replace("IS NOT", "IS DISTINCT FROM")} THEN
    RAISE EXCEPTION 'audit_entry is append-only: records are appended in sequence';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_in_sequence BEFORE INSERT ON audit_entry
FOR EACH ROW EXECUTE FUNCTION audit_entry_append_in_sequence();
"""
POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS audit_entry_in_sequence ON audit_entry;
DROP FUNCTION IF EXISTS audit_entry_append_in_sequence();
"""


class Migration(migrations.Migration):
    dependencies = [("models", "0020_idempotency_answers")]

    operations = [ops.RunPython(per_dialect(SQLITE, POSTGRES), per_dialect(SQLITE_REVERSE, POSTGRES_REVERSE))]
