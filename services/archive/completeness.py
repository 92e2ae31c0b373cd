"""Completeness of a task's file, computed from its facts for a whole batch of tasks in a
fixed number of queries (the task list shows it per row)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from domain.archive import ArchiveFacts, Form, missing_forms, required_forms
from domain.tasks import TaskKind
from store.models import Document, InspectionResult, NonConformity, PersonDayEntry, Sample

# A lab's report document is the sampling test report of the task its sample belongs to.
PURPOSE_AS_FORM = {"LAB_REPORT": Form.SAMPLING_TEST_REPORT, **{f.value: f for f in Form}}


@dataclass(frozen=True)
class Completeness:
    required: list[Form]
    present: list[Form]
    missing: list[Form]

    @property
    def complete(self) -> bool:
        return not self.missing


async def completeness_of(tasks: list) -> dict[int, Completeness]:
    ids = [t.id for t in tasks]
    if not ids:
        return {}
    current = dict(await InspectionResult.filter(task_id__in=ids, current=True).values_list("id", "task_id"))
    nonconformities: set[int] = set()
    on_site: set[int] = set()
    for result_id, method in await NonConformity.filter(result_id__in=list(current)).values_list(
        "result_id", "verification_method"
    ):
        nonconformities.add(current[result_id])
        if method == "ON_SITE":
            on_site.add(current[result_id])
    taken, bought = set(), set()
    for task_id, purchase_id in await Sample.filter(task_id__in=ids).values_list("task_id", "purchase_id"):
        (bought if purchase_id else taken).add(task_id)
    with_days = set(await PersonDayEntry.filter(task_id__in=ids).values_list("task_id", flat=True))
    present: dict[int, set[Form]] = defaultdict(set)
    for task_id, purpose in await Document.filter(task_id__in=ids).values_list("task_id", "purpose"):
        if purpose in PURPOSE_AS_FORM:
            present[task_id].add(PURPOSE_AS_FORM[purpose])
    found = {}
    for t in tasks:
        facts = ArchiveFacts(
            factory_inspection=TaskKind(t.kind) != TaskKind.SAMPLING,
            nonconformities=t.id in nonconformities,
            on_site_verification=t.id in on_site,
            samples_taken=t.id in taken,
            samples_bought=t.id in bought,
            person_days_recorded=t.id in with_days,
        )
        required = sorted(required_forms(facts), key=list(Form).index)
        have = sorted(present[t.id], key=list(Form).index)
        found[t.id] = Completeness(required, have, missing_forms(facts, present[t.id]))
    return found
