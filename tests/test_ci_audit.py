"""The CI's dependency audit says what it could not see instead of passing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

CI = Path(__file__).resolve().parent.parent / ".ci"
spec = importlib.util.spec_from_file_location("ci_audit", CI / "audit.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def _skipped(name: str, version: str) -> dict:
    # As pip-audit reports a package when no advisory source answers.
    reason = f"Dependency not found on PyPI and could not be audited: {name} ({version})"
    return {"name": name, "skip_reason": reason}


def _audited(name: str, version: str, *vulns: dict) -> dict:
    return {"name": name, "version": version, "vulns": list(vulns)}


def test_an_audit_that_reached_no_advisory_source_fails_and_counts_them():
    report = {"dependencies": [_skipped("django", "6.1"), _skipped("segno", "1.6.6")]}
    code, lines = audit.summarise(report, allow_unaudited=False)
    assert code == 1
    assert "not audited: 2 packages" in lines
    assert "audited: 0 packages, 0 with known vulnerabilities" in lines
    assert not any("No known vulnerabilities" in line for line in lines)


def test_offline_by_choice_the_audit_passes_but_still_says_what_it_did_not_see():
    report = {"dependencies": [_audited("django", "6.1"), _skipped("segno", "1.6.6")]}
    code, lines = audit.summarise(report, allow_unaudited=True)
    assert code == 0
    assert lines[-1] == "not audited: 1 packages"
    assert any(line.startswith("not audited: segno") for line in lines)


def test_a_known_vulnerability_fails_even_offline_by_choice():
    vuln = {"id": "PYSEC-2026-1", "fix_versions": ["6.1.1"]}
    report = {"dependencies": [_audited("django", "6.1", vuln)]}
    code, lines = audit.summarise(report, allow_unaudited=True)
    assert code == 1
    assert "VULNERABLE django 6.1: PYSEC-2026-1 (fixed in 6.1.1)" in lines


def test_every_package_audited_and_clean_passes():
    report = {"dependencies": [_audited("django", "6.1"), _audited("segno", "1.6.6")]}
    assert audit.summarise(report, allow_unaudited=False) == (
        0,
        ["audited: 2 packages, 0 with known vulnerabilities"],
    )


def test_an_empty_report_is_no_pass():
    code, lines = audit.summarise({"dependencies": []}, allow_unaudited=True)
    assert code == 1
    assert "not audited: pip-audit reported no packages at all" in lines


def test_ci_runs_the_audit_through_the_counting_wrapper():
    script = (CI / "run").read_text()
    assert "uv run python .ci/audit.py" in script
    assert "uv run pip-audit" not in script
    # Strict only where asked: this CI reaches no advisory source.
    assert 'if [ "${CI_AUDIT_STRICT:-}" = 1 ]; then' in script
