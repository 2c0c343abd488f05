"""The dependency audit: pip-audit, failing unless every installed package was checked.

pip-audit skips a package it cannot look up (no advisory source reachable, or a package that
is not on PyPI) and still ends with "No known vulnerabilities found". Here a package that was
not audited is named and counted, and fails the build unless --allow-unaudited is given.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys


def summarise(report: dict, *, allow_unaudited: bool) -> tuple[int, list[str]]:
    """The exit code and the lines to print for pip-audit's JSON report."""
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = [d for d in dependencies if not d.get("skip_reason")]
    vulnerable = [d for d in audited if d.get("vulns")]
    lines = []
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            lines.append(
                f"VULNERABLE {dependency['name']} {dependency.get('version', '')}: "
                f"{vuln.get('id', '?')} (fixed in {fixed})"
            )
    for dependency in skipped:
        lines.append(f"not audited: {dependency['name']}: {dependency['skip_reason']}")
    lines.append(f"audited: {len(audited)} packages, {len(vulnerable)} with known vulnerabilities")
    if skipped:
        lines.append(f"not audited: {len(skipped)} packages")
    if not dependencies:
        lines.append("not audited: pip-audit reported no packages at all")
    failed = bool(vulnerable) or not dependencies or (bool(skipped) and not allow_unaudited)
    return (1 if failed else 0), lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--allow-unaudited",
        action="store_true",
        help="Pass when some packages could not be audited (still named and counted).",
    )
    options = parser.parse_args()
    command = [sys.executable, "-m", "pip_audit", "--progress-spinner", "off", "--format", "json"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        sys.stderr.write(result.stderr)
        print(f"not audited: pip-audit failed (exit {result.returncode}) without a report")
        return result.returncode or 1
    code, lines = summarise(report, allow_unaudited=options.allow_unaudited)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main())
