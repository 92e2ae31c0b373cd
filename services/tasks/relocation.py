"""Relocation (§4.6): the facts that decide whether issuing a relocation inspection issues
its sampling with it. The rules themselves are in domain (frequency, tasks)."""

from __future__ import annotations

from collections import Counter

from tortoise.expressions import Q

from domain import frequency
from domain.enums import FactoryClass
from domain.tasks import SamplingFacts, TaskKind, sampled_this_year
from services.clock import local_date, today
from services.reference import frequency_rules
from store.models import Factory, InspectionResult, Sample, SurveillanceTask


async def needs_its_sampling(task: SurveillanceTask, factory: Factory) -> bool:
    """Sampling is required and the factory was not already sampled this calendar year."""
    rules = await frequency_rules()
    required = task.with_sampling or rules[FactoryClass(factory.classification)].sampling
    done = sampled_this_year(await samplings_of(task.factory_id, exclude=task.id), today())
    return frequency.relocation_needs_sampling(required, done)


async def samplings_of(factory_id: int, *, exclude: int) -> list[SamplingFacts]:
    """Each task of the factory that was to sample it (a sampling task, or any task that included
    sampling) and has a result: how many samples were recorded for it (taken or bought), and when
    its results were first submitted. The first submission is when the sampling was done: a
    return and resubmission, a review, a decision or archiving later do not move it."""
    firsts = dict(
        await InspectionResult.filter(Q(task__kind=TaskKind.SAMPLING) | Q(task__with_sampling=True), number=1)
        .filter(task__factory_id=factory_id)
        .exclude(task_id=exclude)
        .values_list("task_id", "submitted_at")
    )
    taken = Counter(await Sample.filter(task_id__in=list(firsts)).values_list("task_id", flat=True))
    return [SamplingFacts(taken[task_id], local_date(at)) for task_id, at in firsts.items()]
