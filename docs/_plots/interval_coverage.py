"""What "a 95% interval" means, drawn: many simulated studies, most of whose intervals hold the true value.

The glossary's entry "95% interval" shows this figure (matplotlib's plot
directive runs this file while the site is built). Each simulated study
counts, in ten runs, how many show something whose true share is 35%, and
computes Wilson's 95% interval of its share; the figure draws a hundred such
studies. The draws come from a fixed seed, so every build draws the same
figure.
"""

import matplotlib.pyplot as plt
import numpy as np

from cnnexplain import viz
from cnnexplain.analysis.known_edges import wilson_interval

TRUE_SHARE = 0.35  # the share a study tries to measure (unknown to the study)
RUNS = 10  # runs per study
STUDIES = 100

rng = np.random.default_rng(2024)
counts = rng.binomial(RUNS, TRUE_SHARE, size=STUDIES)
intervals = np.array([wilson_interval(int(k), RUNS) for k in counts])
hits = (intervals[:, 0] <= TRUE_SHARE) & (TRUE_SHARE <= intervals[:, 1])

with plt.style.context(viz.STYLE_FILE):
    fig, ax = plt.subplots(figsize=(7.0, 3.6), layout="constrained")
    study = np.arange(STUDIES)
    for holds, color, label in ((True, "0.55", "holds the true share"), (False, "tab:red", "misses it")):
        chosen = hits == holds
        ax.vlines(study[chosen], *intervals[chosen].T, color=color, lw=1.6, label=label)
        ax.plot(study[chosen], counts[chosen] / RUNS, "o", ms=2.5, color=color)
    ax.axhline(TRUE_SHARE, color="black", ls="--", lw=1)
    ax.annotate(
        f"true share, {TRUE_SHARE:.0%}", (STUDIES, TRUE_SHARE), xytext=(4, 0), textcoords="offset points",
        va="center", annotation_clip=False,
    )  # fmt: skip
    ax.set_xlim(-1, STUDIES)
    ax.set_ylim(0, 1.2)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.spines["left"].set_bounds(0, 1)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel(f"{STUDIES} simulated studies, each of {RUNS} runs")
    ax.set_ylabel("share measured,\nwith its 95% interval")
    ax.set_title(f"{int(hits.sum())} of the {STUDIES} intervals hold the true share")
    ax.legend(loc="upper center", ncols=2)  # above the intervals: the axis goes on to 120%
