"""
Train it yourself
=================

Here you train the network yourself, in your browser: the same model, on
line images drawn in the page, two :term:`runs <run>` side by side from the
same start, the first-layer :term:`kernels <kernel>` redrawn after every
:term:`batch`. You can also rerun three of the site's experiments.
"""

# %%
# **Try this first:** press *Run* and watch the kernels, the
# :term:`loss` and the accuracy. It has the site's data and settings
# (|n_train| training images, batches of |batch_size|, |epochs| epochs),
# but your browser draws its own random start: its kernels differ from the
# site's, even at the same seed.

from cnnexplain import viz
from cnnexplain.study import seed_study

# The seed study's training settings: the guided experiments train as its runs did.
training = seed_study(range(100)).config["training"]
adam = {"optimizer": "adam", "lr": training["lr"], "shuffled": False}
shared = {"epochs": training["epochs"], "batch_size": training["batch_size"]}
experiments = {
    "shuffled": {
        "title": "true against shuffled labels",
        "shared": shared,
        "a": adam,
        "b": {**adam, "shuffled": True},
    },
    "seed": {"title": "a new seed", "shared": shared, "a": adam, "new_seed": True},
    "optimizer": {
        "title": "Adam against SGD",
        "shared": shared,
        "a": adam,
        "b": {"optimizer": "sgd", "lr": training["sgd_lr"], "shuffled": False},
    },
}
lab = viz.Lab(experiments=experiments)

# sphinx_gallery_start_ignore
# The numbers the text of this page quotes (glue) and its claims, see cnnexplain.claims.
from cnnexplain import make_lines
from cnnexplain.claims import bound, declare_margins, glue, setting

margins = declare_margins(
    # The theme's scripts, styles and fonts and the page's own text add about 0.8 MB: a widget
    # of 0.6 MB keeps the whole page within the site's 1.5 MB.
    widget_bytes=0.6e6,
)
defaults = lab.defaults
train_set, _ = make_lines(
    n_per_class=defaults["n_per_class"], seed=defaults["data_seed"]
).split(test_fraction=defaults["test_fraction"])
glue("n_train", len(train_set))
glue("batch_size", defaults["batch_size"])
glue("epochs", defaults["epochs"])
glue("study_epochs", training["epochs"])
glue("study_lr", training["lr"], "{:g}")
glue("study_sgd_lr", training["sgd_lr"], "{:g}")
setting(
    "the lab starts with train()'s settings on the site's data: 960 training images, batches "
    "of 32, 20 epochs, Adam",
    (len(train_set), defaults["batch_size"], defaults["epochs"], defaults["optimizer"]),
    expected=(960, 32, 20, "adam"),
)
widget = lab._repr_html_().encode()
glue("widget_kb", len(widget) / 1e3, "{:.0f}")
_ = bound(
    "the lab, with its scripts and style, weighs at most 0.6 MB",
    len(widget),
    n=1,
    at_most="widget_bytes",
    statistic="bytes of the lab's HTML",
    fmt="{:,.0f}",
)
# sphinx_gallery_end_ignore

lab

# %%
# .. evidence:: How to use it: every control
#
#    - **Settings**: both runs share the seed, the task, the number of
#      kernels, the batch size and the epochs; each run has its own
#      optimizer, learning rate and labels. Tick *Train run B* to train a
#      second run beside the first, from the same start.
#    - **Run**, **Pause**, **Step one batch**; **Reset** to change settings.
#    - **Colours**: red positive, blue negative, on a scale fixed for the
#      whole run. The table gives each kernel's :ref:`edge test
#      <sphx_glr_auto_examples_beyond_plot_01_edge_match.py>`, its *score*
#      (:term:`edge-match score`: 1 for exactly an edge), its class
#      preference, and how far it moved (times its starting size).
#    - **Download this run** saves a history that ``cnnexplain figures``
#      draws; **Open a saved history** shows one.
#
# .. evidence:: How the page trains
#
#    Each run trains in a Web Worker, with the site's own JavaScript: the
#    network's arithmetic, checked step by step against PyTorch's by the
#    site's checks (``tools/training_check.py``); the line images, drawn by
#    the rule of :func:`~cnnexplain.data.make_lines`; the edge test and
#    class preference, ported from the library. Your seed starts the page's
#    own random generator: its starts have PyTorch's distribution, not
#    PyTorch's numbers. The page's code weighs |widget_kb| kB.
#
# Three experiments
# -----------------
# The three boxes at the end of the lab set up experiments as the site's
# :doc:`seed study <../beyond/plot_05_seeds>` ran them (|study_epochs|
# epochs, Adam at |study_lr|): press a box's button, then *Run*. Each box
# sets your numbers beside the site's. One run is one draw: a number of
# yours inside the site's range agrees with it, and one outside it is worth
# a second seed before you conclude anything.
#
# .. container:: lab-site
#    :name: lab-site-shuffled
#
#    **Labels that say nothing.** Run B learns from the same start on
#    shuffled labels. The site: such twins end at
#    |/auto_examples/beyond/plot_05_seeds:shuffled_mean| of the test images
#    right on average (single runs from
#    |/auto_examples/beyond/plot_05_seeds:shuffled_low| to
#    |/auto_examples/beyond/plot_05_seeds:shuffled_high|).
#
# .. container:: lab-site
#    :name: lab-site-seed
#
#    **A new seed.** A start nobody has tried: does it grow edge detectors
#    (kernels that pass the site's edge test, which :doc:`the next page
#    <plot_05_init_vs_trained>` explains)?
#    The site: |/auto_examples/beyond/plot_05_seeds:any_adam| of
#    |/auto_examples/beyond/plot_05_seeds:n_runs| runs end with at least one
#    edge detector, |/auto_examples/beyond/plot_05_seeds:mean_adam| per run
#    on average.
#
# .. container:: lab-site
#    :name: lab-site-optimizer
#
#    **Adam against SGD.** Run B trains with plain SGD at |study_sgd_lr|.
#    The site, counting the trained kernels that pass the edge test:
#    |/auto_examples/beyond/plot_05_seeds:mean_adam| per run with Adam,
#    |/auto_examples/beyond/plot_05_seeds:mean_sgd| with SGD; Adam minus
#    SGD, seed by seed, |/auto_examples/beyond/plot_05_seeds:diff_sgd|
#    (:term:`95% interval` |/auto_examples/beyond/plot_05_seeds:diff_sgd_low|
#    to |/auto_examples/beyond/plot_05_seeds:diff_sgd_high|). That count
#    is not the optimizer's effect on the kernels' shape: the rule and its
#    learning rate change together (Adam at |study_lr|, SGD at
#    |study_sgd_lr|), and a kernel that moves little keeps the look of its
#    random start, while SGD at this rate moves a seed's kernels by far
#    more unequal amounts than Adam (the largest change
#    |/auto_examples/why_edges/plot_04_optimizer:sgd_spread_median| times
#    the smallest in the median seed, against
#    |/auto_examples/why_edges/plot_04_optimizer:adam_spread_median|).
#    :doc:`The optimizer page <../why_edges/plot_04_optimizer>` compares
#    the changes themselves, matched for smoothness:
#    |/auto_examples/why_edges/plot_04_optimizer:equal_words|.
#    On :doc:`the seeds page <../beyond/plot_05_seeds>`, with each SGD
#    change rescaled to its Adam twin's length, Adam minus SGD is
#    |/auto_examples/beyond/plot_05_seeds:eq_sgd_diff| edge detectors per
#    run (|/auto_examples/beyond/plot_05_seeds:eq_sgd_low| to
#    |/auto_examples/beyond/plot_05_seeds:eq_sgd_high|; exploratory).
