"""Helpers for the task's file and what surrounds it (issue 6): forms filed through the
multipart endpoint, archiving, the monitoring and problem report queries, and settings that
keep the documents in the test's own directory."""

import dataclasses

import pytest

from server.settings import Settings

PDF = b"%PDF-1.7\n" + b"f" * 300 + b"\n%%EOF"
FORM = """mutation($i: AttachTaskFormInput!) { attachTaskForm(input: $i) {
  task { version completeness { required present missing complete } } userErrors { field code message } } }"""
ARCHIVE = """mutation($i: ArchiveTaskInput!) { archiveTask(input: $i) {
  task { id status version archivedAt } userErrors { field code message } } }"""
STATS = """query($unit: String, $from: Date!, $to: Date!) {
  monitoring(unitCode: $unit, dateFrom: $from, dateTo: $to) {
    unitCode tasksByKindAndStatus { kind status count } completed completedOnTime onTimeRate overdue
    exceptionsByReason { reason count } results resultsWithNonconformities nonconformityRate
    samplingByCategory { productCategory tested failed failureRate } labTurnaround { lab reports meanWorkingDays }
    personDaysPlanned personDaysActual personDaysByInspector { login days } } }"""
PROBLEMS = """query($n: Int!) { problemReports(first: $n) { totalCount nodes { id unitCode title status filedBy
  taskIds messages { author fromHq text } } } }"""
FILE_PROBLEM = """mutation($i: FileProblemReportInput!) { fileProblemReport(input: $i) {
  report { id } userErrors { field code } } }"""


@pytest.fixture(name="settings")
def documents_in_tmp_settings(world_url, tmp_path) -> Settings:
    """Documents in the test's own directory."""
    return dataclasses.replace(Settings(), database_url=world_url, document_dir=str(tmp_path / "docs"))


async def attach(api, task_id: str, form: str, *, as_user="east.planner") -> dict:
    body = {"taskId": task_id, "form": form, "file": None}
    response = await api.upload(FORM, {"i": body}, {"i.file": (f"{form.lower()}.pdf", PDF, "application/pdf")},
                                as_user=as_user)  # fmt: skip
    return response["data"]["attachTaskForm"]
