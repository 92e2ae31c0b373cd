"""Demo archive, through the same services as the API: two archived tasks — East's, whose file
is made of the forms the system generated and its team leader confirmed (0402.03, 0402.06),
and HQ's North China one, of uploaded scans — an incomplete file, and a common problem HQ
answered."""

from __future__ import annotations

from domain.archive import Form
from services.archive import archiving, forms, problems
from services.forms import signoffs
from services.forms.generated import one_form, render

# A tiny but real PDF per form, so the demo's bundles carry files.
PDF = b"%PDF-1.4\n%% demo form\n%%EOF\n"


async def _file(demo, task, form: Form, login: str):
    return await forms.attach_form(
        await demo.session(login),
        task_id=task.id,
        form=form,
        data=PDF + form.value.encode(),
        filename=f"{form.value.lower()}.pdf",
        declared=None,
        description=None,
    )


async def _confirm(demo, task, form: Form, leader: str):
    """The leader confirms the generated form as rendered from the data now (confirmGeneratedForm)."""
    rendered = await render(form, await one_form(task, form))
    return await signoffs.confirm_form(
        await demo.session(leader), task_id=task.id, form=form, data_version=rendered.data_version
    )


async def seed_demo_archive(demo, decided: dict) -> None:
    for key, archivist in (("maintained", "east.archivist"), ("cancelled", "hq.archivist")):
        task = decided[key]
        for form in (Form.INSPECTION_REPORT, Form.INSPECTION_RECORD):
            if key == "maintained":  # East's file: generated, confirmed by the leader (east.inspector1)
                task = await _confirm(demo, task, form, "east.inspector1")
            else:
                task = await _file(demo, task, form, archivist)
        await archiving.archive_task(await demo.session(archivist), task_id=task.id, expected_version=task.version)
    # S002 failed with a non-conformity: its NC report (0402.04) and record form are still missing.
    await _file(demo, decided["revoked"], Form.INSPECTION_REPORT, "south.planner")
    east = await demo.session("east.planner")
    report = await problems.file_report(
        east,
        category=problems.ProblemCategory.RULES,
        title="Seasonal factories and unannounced sampling",
        description="Factories closed out of season refuse unannounced sampling; "
        "is that a refusal or a production stop?",
        task_ids=[decided["maintained"].id],
    )
    await problems.post_message(
        await demo.session("hq.planner"),
        report_id=report.id,
        text="Record it as production stopped, not as a refusal.",
    )
