"""tools/prose_words.py: only the visible prose of a page's article body is counted."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from prose_words import count_words, main, prose_words

PAGE = """<html><body><nav>Site navigation words here</nav>
<article>
<h1>A title<a class="headerlink" href="#">#</a></h1>
<p>Three prose words.</p><img src="x.png" alt="not counted">
<div class="highlight-Python notranslate"><div class="highlight"><pre>code words here</pre></div></div>
<pre class="sphx-glr-script-out">printed output words</pre>
<div class="checked-claims admonition"><p>claim box words</p></div>
<p>Two<br>more.</p>
</article></body></html>"""


def test_only_prose_is_counted() -> None:
    # "A title" (2) + "Three prose words." (3) + "Two more." (2)
    assert prose_words(PAGE) == 7


def test_the_section_total(tmp_path, capsys) -> None:
    pages = tmp_path / "auto_examples" / "article"
    pages.mkdir(parents=True)
    for name in ("plot_01_a.html", "plot_02_b.html"):
        (pages / name).write_text(PAGE, encoding="utf-8")
    assert main([str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].split() == ["total", "14", "0"]


EVIDENCE = """<article><p>Story words.</p>
<details class="evidence"><summary>How sure <em>we</em> are</summary>
<p>Four hidden evidence words.</p><div class="highlight"><pre>code</pre></div>
<details><summary>nested summary</summary><p>deeper</p></details>
</details><p>After it.</p></article>"""


def test_closed_evidence_is_counted_apart_but_its_title_is_visible() -> None:
    # visible: "Story words." (2) + "How sure we are" (4) + "After it." (2); evidence: 4 + 2 + 1
    assert count_words(EVIDENCE) == (8, 7)


def test_a_missing_section_exits_2(tmp_path) -> None:
    assert main([str(tmp_path), "--section", "nowhere"]) == 2


def test_a_forwarding_page_without_an_article_is_left_out(tmp_path, capsys) -> None:
    pages = tmp_path / "auto_examples" / "article"
    pages.mkdir(parents=True)
    (pages / "plot_01_a.html").write_text(PAGE, encoding="utf-8")
    (pages / "plot_07_moved.html").write_text("<html><main><p>This page has moved</p></main></html>")
    assert main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "plot_07_moved" not in out
    assert out.splitlines()[-1].split() == ["total", "7", "0"]
