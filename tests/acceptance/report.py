"""A reviewer's page of the run: reports/acceptance.html, made from pytest-bdd's Cucumber JSON.

Features are grouped by milestone, each scenario shows its steps with pass/fail and the error of
a failed step. One self-contained file, no scripts.
"""

import html
import json
import re
from collections import defaultdict

OUTCOME_ICONS = {"passed": "✓", "failed": "✗", "skipped": "-"}


def milestone_of(tags):
    for tag in tags:
        match = re.fullmatch(r"@?m(\d+)", tag["name"] if isinstance(tag, dict) else tag)
        if match:
            return int(match.group(1))
    return None


def scenario_outcome(scenario):
    statuses = [step["result"]["status"] for step in scenario.get("steps", [])]
    if "failed" in statuses:
        return "failed"
    if statuses and all(s == "passed" for s in statuses):
        return "passed"
    return "skipped"


def milestone_counts(features):
    counts = defaultdict(lambda: {"passed": 0, "failed": 0, "skipped": 0})
    for feature in features:
        milestone = milestone_of(feature.get("tags", []))
        for scenario in feature.get("elements", []):
            counts[milestone][scenario_outcome(scenario)] += 1
    return dict(counts)


def render(features):
    counts = milestone_counts(features)
    rows = []
    for milestone in sorted(counts, key=lambda m: (m is None, m)):
        c = counts[milestone]
        ok = "ok" if c["failed"] == 0 else "bad"
        name = f"M{milestone}" if milestone else "untagged"
        rows.append(
            f'<tr class="{ok}"><td>{name}</td><td>{c["passed"]}</td><td>{c["failed"]}</td>'
            f"<td>{c['skipped']}</td></tr>"
        )
    sections = []
    for feature in sorted(features, key=lambda f: milestone_of(f.get("tags", [])) or 99):
        scenarios = []
        for scenario in feature.get("elements", []):
            outcome = scenario_outcome(scenario)
            steps = []
            for step in scenario.get("steps", []):
                status = step["result"]["status"]
                error = step["result"].get("error_message", "")
                steps.append(
                    f'<li class="{status}">{OUTCOME_ICONS.get(status, "?")} '
                    f"<b>{html.escape(step['keyword'])}</b> {html.escape(step['name'])}"
                    + (f"<pre>{html.escape(error)}</pre>" if error else "")
                    + "</li>"
                )
            scenarios.append(
                f'<details class="{outcome}" {"open" if outcome == "failed" else ""}>'
                f"<summary>{OUTCOME_ICONS[outcome]} {html.escape(scenario['name'])}</summary>"
                f"<ol>{''.join(steps)}</ol></details>"
            )
        sections.append(
            f"<section><h2>{html.escape(feature['name'])}</h2>"
            f"<p>{html.escape(feature.get('description', ''))}</p>{''.join(scenarios)}</section>"
        )
    return f"""<!doctype html><html lang="en"><meta charset="utf-8">
<title>InquiryCircle acceptance run</title>
<style>
body{{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.2rem .6rem}}
.ok td:first-child{{color:#166534}}.bad td:first-child{{color:#b91c1c;font-weight:bold}}
details{{margin:.3rem 0}}details.failed>summary{{color:#b91c1c}}
details.passed>summary{{color:#166534}}
li.failed{{color:#b91c1c}}pre{{white-space:pre-wrap;background:#fef2f2;padding:.5rem}}
</style>
<h1>InquiryCircle acceptance run</h1>
<table><tr><th>Milestone</th><th>Passed</th><th>Failed</th><th>Skipped</th></tr>{"".join(rows)}</table>
{"".join(sections)}
</html>"""


def write_html(json_path, html_path):
    features = json.loads(json_path.read_text() or "[]")
    html_path.write_text(render(features))
    return html_path
