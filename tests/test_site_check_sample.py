"""The site check's dark and phone passes: which pages they take."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from site_check import MODE_SAMPLE, Report, in_mode_sample  # noqa: E402

BASE = "http://127.0.0.1:8000/"


def taken(names: list[str]) -> list[str]:
    report, sampled = Report(base=BASE, root=ROOT), Counter()
    return [name for name in names if in_mode_sample(report, BASE + name, sampled)]


def test_every_written_page_is_taken():
    pages = ["index.html", "glossary.html", "auto_examples/article/plot_01_dataset.html", "api/index.html"]
    assert taken(pages) == pages


def test_template_pages_are_sampled_per_folder_in_crawl_order():
    api = [f"api/generated/cnnexplain.f{i}.html" for i in range(MODE_SAMPLE + 3)]
    source = [f"_modules/cnnexplain/m{i}.html" for i in range(MODE_SAMPLE + 2)]
    mixed = [page for pair in zip(api, source) for page in pair] + api[len(source) :]
    got = taken([*mixed, "references.html"])
    assert got[-1] == "references.html"
    assert [p for p in got if p.startswith("api/")] == api[:MODE_SAMPLE]
    assert [p for p in got if p.startswith("_modules/")] == source[:MODE_SAMPLE]
