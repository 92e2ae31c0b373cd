"""DataLoaders: one query per kind of nested object per request, whatever the page size.
Every loader goes through a service so the viewer's scope is applied in SQL."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from services import audit_queries, certificates, documents, factories, lookups, reference, samples
from services.archive import person_days
from services.archive.completeness import completeness_of
from services.checklists import queries as checklist_queries
from services.context import Session
from services.forms.generated import generated_forms_of
from services.results import corrective
from services.results import queries as result_queries
from services.tasks import queries as task_queries


class Loaders:
    def __init__(self, session: Session) -> None:
        self.factory = DataLoader(self._factories)
        self.unit = DataLoader(self._units)
        self.product_category = DataLoader(self._categories)
        self.certificates_by_factory = DataLoader(self._certs_by_factory)
        self.status_history = DataLoader(self._status_history)
        self.task = DataLoader(self._tasks)
        self.task_children = DataLoader(self._task_children)
        self.task_certificates = DataLoader(self._task_certificates)
        self.task_team = DataLoader(self._task_team)
        self.task_exceptions = DataLoader(self._task_exceptions)
        self.task_lab_requests = DataLoader(self._task_lab_requests)
        self.task_clauses = DataLoader(self._task_clauses)
        self.task_materials = DataLoader(self._task_materials)
        self.task_timeline = DataLoader(self._task_timeline)
        self.sample_report = DataLoader(self._sample_reports)
        self.task_schemes = DataLoader(self._task_schemes)
        self.task_results = DataLoader(self._batch(result_queries.results_of, list))
        self.result_nonconformities = DataLoader(self._batch(result_queries.nonconformities_of, list))
        self.corrective_actions = DataLoader(self._batch(corrective.corrective_actions_of, list))
        self.task_reviews = DataLoader(self._batch(result_queries.reviews_of, list))
        self.task_risks = DataLoader(self._batch(result_queries.risks_of, list))
        self.task_decision = DataLoader(self._batch(result_queries.decisions_of, lambda: None))
        self.task_disputes = DataLoader(self._batch(result_queries.disputes_of, list))
        self.certificate_spot_checks = DataLoader(self._batch(result_queries.spot_checks_of, list))
        self.task_completeness = DataLoader(self._completeness)
        self.task_person_days = DataLoader(self._batch(person_days.person_days_of, list))
        self.task_generated_forms = DataLoader(self._generated_forms)
        # Callers pass only tasks shown with their internal fields (schema/checklist_types.py).
        self.task_checklist = DataLoader(self._batch(checklist_queries.items_of, list))
        self.checklist_evidence = DataLoader(self._batch(checklist_queries.evidence_of, list))
        self.session = session

    async def _completeness(self, ids: list[int]):
        """Callers pass only tasks already loaded through the viewer's scope."""
        found = await completeness_of(await lookups.tasks(ids))
        return [found[i] for i in ids]

    async def _generated_forms(self, ids: list[int]):
        """Callers pass only tasks already loaded through the viewer's scope (internal to them)."""
        found = await generated_forms_of(await lookups.tasks(ids))
        return [found.get(i, []) for i in ids]

    @staticmethod
    def _batch(fetch, empty):
        """A batch function from a service returning {id: value}; missing ids get `empty()`."""

        async def load(ids: list[int]):
            found = await fetch(ids)
            return [found[i] if i in found else empty() for i in ids]

        return load

    async def _factories(self, ids: list[int]):
        found = await factories.visible_factories(self.session, ids)
        return [found.get(i) for i in ids]

    async def _units(self, ids: list[int]):
        found = await lookups.units_by_id(ids)
        return [found[i] for i in ids]

    async def _categories(self, ids: list[int]):
        found = {c.id: c for c in await lookups.categories(ids)}
        return [found[i] for i in ids]

    async def _certs_by_factory(self, ids: list[int]):
        grouped = await certificates.certificates_of_factories(self.session, ids)
        return [grouped.get(i, []) for i in ids]

    async def _status_history(self, ids: list[int]):
        grouped = await certificates.status_history(ids)
        return [grouped.get(i, []) for i in ids]

    async def _tasks(self, ids: list[int]):
        found = await task_queries.visible_tasks(self.session, ids)
        return [found.get(i) for i in ids]

    async def _task_children(self, ids: list[int]):
        grouped = await task_queries.children_of(self.session, ids)
        return [grouped.get(i, []) for i in ids]

    async def _task_certificates(self, ids: list[int]):
        """Certificates per task, through the viewer's certificate scope."""
        links = await task_queries.certificate_ids_of(ids)
        wanted = sorted({c for cs in links.values() for c in cs})
        visible = await certificates.visible_certificates(self.session, wanted) if wanted else {}
        return [[visible[c] for c in links.get(i, []) if c in visible] for i in ids]

    async def _task_team(self, ids: list[int]):
        grouped = await task_queries.teams_of(ids)
        return [grouped.get(i, []) for i in ids]

    async def _task_exceptions(self, ids: list[int]):
        grouped = await task_queries.exceptions_of(ids)
        return [grouped.get(i, []) for i in ids]

    async def _task_lab_requests(self, ids: list[int]):
        grouped = await task_queries.lab_requests_of(ids)
        return [grouped.get(i, []) for i in ids]

    async def _task_clauses(self, ids: list[int]):
        """Callers pass only tasks already loaded through the viewer's scope."""
        tasks = await self.task.load_many(ids)
        found = await reference.clauses_for([t for t in tasks if t])
        return [found.get(i, []) for i in ids]

    async def _task_schemes(self, ids: list[int]):
        tasks = await self.task.load_many(ids)
        found = await reference.schemes_for([t for t in tasks if t])
        return [found.get(i, []) for i in ids]

    async def _task_materials(self, ids: list[int]):
        grouped = await documents.materials_of(ids)
        return [grouped.get(i, []) for i in ids]

    async def _task_timeline(self, ids: list[int]):
        """Whole timelines of a batch of tasks in one query (a task's history is short)."""
        grouped = await audit_queries.entries_of("SurveillanceTask", ids)
        return [grouped.get(i, []) for i in ids]

    async def _sample_reports(self, ids: list[int]):
        """Callers pass only samples already loaded through the viewer's scope."""
        found = await samples.reports_of(ids)
        return [found.get(i) for i in ids]
