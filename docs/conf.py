"""Sphinx configuration of the cnnexplain site.

The site is built offline with ``-W --keep-going -n``: every warning fails the
build. Intersphinx links to the Python, NumPy, PyTorch and Matplotlib docs are
used only when their hosts can be reached; offline the mapping is empty and
references to those projects render as plain text.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from sphinx_gallery.sorting import ExplicitOrder

import cnnexplain

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))
# tests/figure_text.py measures the text of figures; the scrapers record an animation's smallest
# text with it (_ext/frame_text.py), for tools/site_check.py's check at a phone's width.
sys.path.insert(1, str(HERE.parent / "tests"))

import author_year_labels  # noqa: F401  (registers the bibliography's styles, see bibtex_* below)
from accessible_site import MatplotlibScraper
from gif_scraper import GifScraper

project = "cnnexplain"
author = "The cnnexplain developers"
copyright = "2026, the cnnexplain developers"
release = version = cnnexplain.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_copybutton",
    "sphinx_gallery.gen_gallery",
    "sphinxcontrib.bibtex",  # docs/references.bib: the References page and the pages' citations
    "accessible_site",  # _ext/accessible_site.py: fixes found by tools/site_check.py
    "checked_claims",  # _ext/checked_claims.py: glued numbers in the prose, the box of checked claims
    "sphinx_sitemap",
    "sphinxext.opengraph",
    "social_card",  # _ext/social_card.py: the preview picture of shared links
    "light_thumbnails",  # _ext/light_thumbnails.py: still, 256-colour thumbnails
    "reading_order",  # _ext/reading_order.py: the landing page's "next" is the data page
    "glossary_tips",  # _ext/glossary_tips.py: a term's link shows its definition on hover and focus
    "evidence",  # _ext/evidence.py: the collapsed evidence under a sentence of the story
    "matplotlib.sphinxext.plot_directive",  # figures of the glossary, drawn by docs/_plots/*.py
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "auto_examples/*.ipynb", "auto_examples/*/*.ipynb"]
root_doc = "index"
language = "en"

# -- API reference -----------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True  # cnnexplain.viz re-exports its submodules
autosummary_ignore_module_all = False  # document exactly what each module lists in __all__
autodoc_typehints = "none"  # types are documented in the numpydoc sections
autodoc_member_order = "bysource"
autodoc_default_options = {"inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
# numpydoc validates every docstring the API reference shows and reports each
# problem as a warning, which fails the build (-W). All checks, except the
# optional sections "See Also" (SA01), "Extended Summary" (ES01) and
# "Examples" (EX01).
numpydoc_validation_checks = {"all", "SA01", "ES01", "EX01"}
# Module constants (PREWITT_X, EDGE_KINDS, ...) are documented by their "#:"
# comments, which autodoc reads; numpydoc would look at the docstring of the
# value's type (tuple, Tensor) instead.
numpydoc_validation_exclude = {r"\.[A-Z][A-Z0-9_]*$"}

# -- Bibliography -------------------------------------------------------------------
# One .bib file, one bibliography (docs/references.rst) that every page's
# :cite:p: and :cite:t: link to. Citations read "(Hubel and Wiesel, 1962)";
# the list on the References page is pybtex's "plain" (sorted by author, then
# year) with labels of the same form. Both styles: _ext/author_year_labels.py.
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "plain_author_year"
bibtex_reference_style = "author_year_round"

# -- Links to other projects' docs, only when the network allows ----------------
_INTERSPHINX = {
    "python": ("https://docs.python.org/3", None),
    "numpy": ("https://numpy.org/doc/stable", None),
    "torch": ("https://docs.pytorch.org/docs/stable", None),
    "matplotlib": ("https://matplotlib.org/stable", None),
}


def _online(host: str = "docs.python.org") -> bool:
    if os.environ.get("CNNEXPLAIN_OFFLINE"):
        return False
    try:
        socket.create_connection((host, 443), timeout=2).close()
    except OSError:
        return False
    return True


intersphinx_mapping = _INTERSPHINX if _online() else {}
intersphinx_timeout = 5
# Without the inventories, references to these projects cannot resolve: keep
# them as plain text instead of failing the nitpicky build.
nitpick_ignore_regex = [
    (r"py:.*", r"(torch|numpy|np|matplotlib|pathlib|os|collections|typing|abc|captum)(\..*)?"),
    (r"py:.*", r"(Tensor|Figure|Axes|Animation|FuncAnimation|Module|ndarray|Path|PathLike)"),
    (r"py:.*", r"(str|int|float|bool|dict|list|tuple|None|callable|sequence|mapping|optional)"),
]

# -- HTML ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = "cnnexplain"
html_static_path = ["_static"]
html_css_files = ["cnnexplain.css"]
html_js_files = ["cnnexplain.js"]  # tab stops for code blocks that scroll
html_show_sourcelink = False
html_copy_source = False  # the rst of gallery pages embeds whole animations
html_last_updated_fmt = None
html_theme_options = {
    "logo": {"text": "cnnexplain"},
    "navbar_align": "left",
    "header_links_before_dropdown": 6,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    # "On this page" beside the top-level pages and the API reference only: the gallery's
    # pages need the width for their figures (unmatched pages get no secondary sidebar; a
    # page matching two wildcard patterns would be a warning, so the patterns do not overlap).
    "secondary_sidebar_items": {"*": ["page-toc", "sourcelink"], "api/**": ["page-toc", "sourcelink"]},
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_context = {"default_mode": "light"}

# -- Publishing ------------------------------------------------------------------
# Where the site is served; the sitemap and the preview cards of shared links
# need absolute addresses. The Pages workflow sets CNNEXPLAIN_BASEURL to the
# project site's address. Every link inside the site stays relative, so that
# the site works under any path (checked by tools/site_check.py --prefix).
html_baseurl = os.environ.get("CNNEXPLAIN_BASEURL") or "https://cnnexplain.github.io/cnnexplain/"
sitemap_url_scheme = "{link}"
sitemap_excludes = ["search.html", "genindex.html", "py-modindex.html"]
ogp_site_url = html_baseurl
ogp_site_name = "cnnexplain"
ogp_image = "_static/social-card.png"  # drawn by _ext/social_card.py
ogp_image_alt = (
    "The eight first-layer kernels of the small CNN after training, above its loss and accuracy curves"
)
ogp_description_length = 200
ogp_enable_meta_description = True
# The extension can also draw a card per page with matplotlib; one picture for the site is enough.
ogp_social_cards = {"enable": False}
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True


# -- Figures outside the gallery (matplotlib's plot directive) ---------------------
# One PNG per figure, at the site's 100 dpi, without the links to its source and other
# formats: the figure illustrates a glossary entry, its script is docs/_plots/.
plot_formats = [("png", 100)]
plot_html_show_formats = False
plot_html_show_source_link = False
plot_include_source = False

# -- Gallery -------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    "subsection_order": ExplicitOrder(
        ["../examples/article", "../examples/side_trips", "../examples/beyond", "../examples/why_edges"]
    ),
    "within_subsection_order": "FileNameSortKey",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "matplotlib_animations": (True, "jshtml"),
    # matplotlib's scraper, with accessible, offline and reproducible animation players
    "image_scrapers": (MatplotlibScraper(), GifScraper()),
    "doc_module": ("cnnexplain",),
    "reference_url": {"cnnexplain": None},
    "backreferences_dir": "gen_modules/backreferences",
    "inspect_global_variables": True,
    "remove_config_comments": True,
    "download_all_examples": True,
    "show_memory": False,
    "show_signature": False,
    "min_reported_time": 0,
    # The computation-time pages load jQuery and DataTables from CDNs (the site must work
    # offline) and their numbers change with every build.
    "write_computation_times": False,
    "thumbnail_size": (320, 224),
    "capture_repr": ("_repr_html_", "__repr__"),
    # A block ending in ax.legend() or fig.colorbar(...) would print "<... object at 0x7f...>":
    # noise, and a memory address that changes with every build (tools/repro_check.py). A
    # hidden block ending in a claim (cnnexplain.claims.bound, ...) would print what it
    # checked, which the page's box shows.
    "ignore_repr_types": r"<class '(matplotlib\.|cnnexplain\.claims\.Checked')",
    "first_notebook_cell": "%matplotlib inline",
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    # Besides matplotlib's settings: after each example, save what it glued and
    # checked (cnnexplain.claims) for the checked_claims extension.
    "reset_modules": ("matplotlib", "checked_claims.collect_claims"),
    "reset_modules_order": "both",
    # One example per core at a time. Examples that need the same training take
    # turns on it (experiment() holds a file lock per cache entry), so each run
    # is trained once; the training page, which trains the default run by hand
    # and stores it, runs first and alone (sphinx_gallery_parallel = False).
    # CNNEXPLAIN_GALLERY_JOBS=1 runs them one after the other (benchmarks/bench_docs.py compares).
    "parallel": int(os.environ.get("CNNEXPLAIN_GALLERY_JOBS") or os.cpu_count() or 1),
}
