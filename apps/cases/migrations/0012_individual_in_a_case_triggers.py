"""Keep ``people.Individual.in_a_case`` true exactly when the person is a subject of some case.

Triggers, so that every path keeps it: a subject added or removed (``Case.subjects``), a case
deleted (its subject rows go with it), a merge, a bulk load, a restore, and an individual saved
from a copy read before a case took them in (Django writes every column on save: the trigger on
the individual's own row recomputes the flag whatever was written). The column is filled once
here for the rows already there.
"""

from django.db import migrations

EXISTS = "EXISTS (SELECT 1 FROM cases_case_subjects s WHERE s.individual_id = {id})"

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION cases_individual_in_a_case() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.in_a_case := {EXISTS.format(id="NEW.id")};
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER individual_in_a_case BEFORE INSERT OR UPDATE ON people_individual
    FOR EACH ROW EXECUTE FUNCTION cases_individual_in_a_case()
    """,
    """
    CREATE OR REPLACE FUNCTION cases_subject_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- The individual's own trigger computes the flag: touching the row is enough.
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE people_individual SET in_a_case = TRUE WHERE id = NEW.individual_id AND NOT in_a_case;
      END IF;
      IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE people_individual SET in_a_case = in_a_case WHERE id = OLD.individual_id AND in_a_case;
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER case_subject_changed AFTER INSERT OR UPDATE OR DELETE ON cases_case_subjects
    FOR EACH ROW EXECUTE FUNCTION cases_subject_changed()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS case_subject_changed ON cases_case_subjects",
    "DROP FUNCTION IF EXISTS cases_subject_changed()",
    "DROP TRIGGER IF EXISTS individual_in_a_case ON people_individual",
    "DROP FUNCTION IF EXISTS cases_individual_in_a_case()",
]

# SQLite cannot assign NEW in a trigger: it corrects the row after the write, and only when it
# is wrong (recursive triggers are off, so the correction does not fire it again).
SQLITE = [
    f"""
    CREATE TRIGGER individual_in_a_case_inserted AFTER INSERT ON people_individual
    WHEN NEW.in_a_case IS NOT {EXISTS.format(id="NEW.id")}
    BEGIN UPDATE people_individual SET in_a_case = {EXISTS.format(id="NEW.id")} WHERE id = NEW.id; END
    """,
    f"""
    CREATE TRIGGER individual_in_a_case_updated AFTER UPDATE ON people_individual
    WHEN NEW.in_a_case IS NOT {EXISTS.format(id="NEW.id")}
    BEGIN UPDATE people_individual SET in_a_case = {EXISTS.format(id="NEW.id")} WHERE id = NEW.id; END
    """,
    """
    CREATE TRIGGER case_subject_added AFTER INSERT ON cases_case_subjects
    BEGIN UPDATE people_individual SET in_a_case = 1 WHERE id = NEW.individual_id AND NOT in_a_case; END
    """,
    f"""
    CREATE TRIGGER case_subject_removed AFTER DELETE ON cases_case_subjects
    BEGIN UPDATE people_individual SET in_a_case = {EXISTS.format(id="OLD.individual_id")}
      WHERE id = OLD.individual_id; END
    """,
    """
    CREATE TRIGGER case_subject_moved AFTER UPDATE ON cases_case_subjects
    BEGIN
      UPDATE people_individual SET in_a_case = 1 WHERE id = NEW.individual_id;
      UPDATE people_individual SET in_a_case = EXISTS (
        SELECT 1 FROM cases_case_subjects s WHERE s.individual_id = OLD.individual_id
      ) WHERE id = OLD.individual_id;
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS case_subject_moved",
    "DROP TRIGGER IF EXISTS case_subject_removed",
    "DROP TRIGGER IF EXISTS case_subject_added",
    "DROP TRIGGER IF EXISTS individual_in_a_case_updated",
    "DROP TRIGGER IF EXISTS individual_in_a_case_inserted",
]
FILL = f"UPDATE people_individual SET in_a_case = {EXISTS.format(id='people_individual.id')}"


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise NotImplementedError(f"No in_a_case triggers for {schema_editor.connection.vendor}")
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_merge_0009_translatable_labels_0010_trigram_indexes"),
        ("people", "0012_individual_in_a_case"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": [*POSTGRESQL, FILL], "sqlite": [*SQLITE, FILL]}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
