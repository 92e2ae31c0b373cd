"""A returned result resubmitted keeps the enterprise's work (§4.4, corrections): when the new
result has the same finding as the result it replaces — the same checklist item, or for a
free-text finding the same clause and description — the enterprise's corrective actions for the
old finding continue on the new one. Every version is copied as the new finding's version of the
same number, with its author, time, late flag and evidence links; the old rows stay as they were
(nothing is deleted), so numbers, `expectedVersion` amendments and the audit trail go on."""

from __future__ import annotations

from collections import defaultdict

from store.models import CorrectiveAction, CorrectiveActionEvidence, NonConformity

Key = tuple


def same_finding(item: NonConformity) -> Key:
    """What makes a finding of a new result the same as one of the previous result."""
    if item.checklist_item_id is not None:
        return ("item", item.checklist_item_id)
    return ("text", item.clause, item.description)


async def carry_corrective_actions(previous_result_id: int, findings: list[NonConformity]) -> list[dict]:
    """Copies the previous result's corrective actions onto `findings` (the new result's), pairing
    findings one to one, oldest first. Returns what was carried, for the audit record."""
    earlier = await NonConformity.filter(result_id=previous_result_id).order_by("id")
    if not earlier or not findings:
        return []
    pool: dict[Key, list[NonConformity]] = defaultdict(list)
    for old in earlier:
        pool[same_finding(old)].append(old)
    pairs = {pool[same_finding(new)].pop(0).id: new for new in findings if pool[same_finding(new)]}
    actions = await CorrectiveAction.filter(nonconformity_id__in=list(pairs)).order_by("nonconformity_id", "number")
    if not actions:
        return []
    evidence: dict[int, list[int]] = defaultdict(list)
    for link in await CorrectiveActionEvidence.filter(action_id__in=[a.id for a in actions]).order_by("id"):
        evidence[link.action_id].append(link.document_id)
    carried: dict[int, dict] = {}
    links = []
    for action in actions:
        new = pairs[action.nonconformity_id]
        copy = await CorrectiveAction.create(
            nonconformity_id=new.id,
            number=action.number,
            description=action.description,
            submitted_by_id=action.submitted_by_id,
            submitted_at=action.submitted_at,
            late=action.late,
            current=action.current,
        )
        links += [CorrectiveActionEvidence(action_id=copy.id, document_id=d) for d in evidence[action.id]]
        entry = carried.setdefault(new.id, {"nonconformity": new.id, "from": action.nonconformity_id, "versions": 0})
        entry["versions"] += 1
    if links:
        await CorrectiveActionEvidence.bulk_create(links)
    return list(carried.values())
