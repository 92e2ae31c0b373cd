"""Relocation (§4.6): the facts that decide whether issuing a relocation inspection issues
its sampling with it. The rules themselves are in domain (frequency, tasks)."""

from __future__ import annotations

from datetime import date

from tortoise.expressions import Q

from domain import frequency
from domain.enums import FactoryClass
from domain.tasks import TaskKind, sampled_this_year
from services.clock import local_date, today
from services.reference import frequency_rules
from store.models import Factory, InspectionResult, SurveillanceTask


async def needs_its_sampling(task: SurveillanceTask, factory: Factory) -> bool:
    """Sampling is required and the factory was not already sampled this calendar year."""
    rules = await frequency_rules()
    required = task.with_sampling or rules[FactoryClass(factory.classification)].sampling
    done = sampled_this_year(await sampling_completion_dates(task.factory_id, exclude=task.id), today())
    return frequency.relocation_needs_sampling(required, done)


async def sampling_completion_dates(factory_id: int, *, exclude: int) -> list[date]:
    """When each sampling of the factory (a sampling task, or any task that included sampling)
    had its results first submitted; never-completed ones have none. The first submission is
    when the sampling was done: a return and resubmission, a review, a decision or archiving
    later do not move it."""
    firsts = (
        InspectionResult.filter(Q(task__kind=TaskKind.SAMPLING) | Q(task__with_sampling=True), number=1)
        .filter(task__factory_id=factory_id)
        .exclude(task_id=exclude)
    )
    return [local_date(at) for at in await firsts.values_list("submitted_at", flat=True)]
