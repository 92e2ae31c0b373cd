"""Demo archive, through the same services as the API: two archived tasks (East's, and HQ's
North China one), an incomplete file, and a common problem HQ answered."""

from __future__ import annotations

from domain.archive import Form
from services.archive import archiving, forms, problems
from store.blobs import BlobStore

# A tiny but real PDF per form, so the demo's bundles carry files.
PDF = b"%PDF-1.4\n%% demo form\n%%EOF\n"


async def _file(demo, task, form: Form, login: str):
    return await forms.attach_form(
        await demo.session(login), task.id, form, PDF + form.value.encode(), f"{form.value.lower()}.pdf", None, None,
        BlobStore(demo.config.document_dir), demo.config.max_upload_bytes,
    )  # fmt: skip


async def seed_demo_archive(demo, decided: dict) -> None:
    for key, archivist in (("maintained", "east.archivist"), ("cancelled", "hq.archivist")):
        task = decided[key]
        for form in (Form.INSPECTION_REPORT, Form.INSPECTION_RECORD):
            task = await _file(demo, task, form, archivist)
        await archiving.archive_task(await demo.session(archivist), task.id, task.version)
    # S002 failed with a non-conformity: its NC report (0402.04) and record form are still missing.
    await _file(demo, decided["revoked"], Form.INSPECTION_REPORT, "south.planner")
    east = await demo.session("east.planner")
    report = await problems.file_report(
        east, problems.ProblemCategory.RULES, "Seasonal factories and unannounced sampling",
        "Factories closed out of season refuse unannounced sampling; is that a refusal or a production stop?",
        [decided["maintained"].id],
    )  # fmt: skip
    await problems.post_message(
        await demo.session("hq.planner"), report.id, "Record it as production stopped, not as a refusal."
    )
