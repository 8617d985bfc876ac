"""Numbers and claims of an example's text, taken from its code and checked.

The pages of the cnnexplain site are Python scripts whose prose states what
their code measured, such as the accuracy of the trained network. These calls
keep such sentences true:

- :func:`glue` records a value the prose quotes, under a name. The site's
  docs build puts the formatted value wherever the prose writes ``|name|``.
- :func:`glue_link` records a value that is also a link, written ``|name|_``
  in the prose: a link whose address the code computes (the explorer at the
  epoch and kernel a page talks about).
- :func:`plural` picks the word that agrees with a glued count, so that a
  sentence reads right for any run ("1 kernel dies", "3 kernels die").
- :func:`outward` formats an interval's end rounded away from its inside, and
  :func:`span` a whole interval so;
  :func:`glue` applies it to names ending ``_low`` and ``_high``.
- The claim kinds record a claim of the prose and decide, from the statistic,
  the test and the margin the sentence names, whether this run confirms it:

  =====================  ====================================================
  :func:`bound`          a measured value is at least / at most / between
                         margins ("the accuracy is 99% or more")
  :func:`share`          k of n, by its Wilson (or Clopper-Pearson) interval
                         against a margin ("in most runs": the interval's
                         lower end above 50%)
  :func:`every`          it holds for every one of n items, count shown
  :func:`majority`       k of n against one half, read from its Wilson
                         interval as "more than half", "fewer than half" or
                         "cannot tell" (the interval holds one half)
  :func:`difference`     a difference with its interval, read as "larger",
                         "smaller" or "cannot tell" (the interval spans 0)
  :func:`equivalent`     "about the same": the whole interval lies within
                         plus or minus a margin stated in advance (TOST)
  :func:`setting`        a value the code chooses is the one the prose names
  =====================  ====================================================

  Each returns a :class:`Checked`: what was tested, on how many runs or
  items (n), with what interval and margin, and whether it holds. The docs
  build lists them at the end of the page, a row per claim, and fails when
  one does not hold.
- :func:`check` is the older, unqualified check: the page computes the
  boolean itself. It still works, and the box marks it "unqualified check
  (boolean)" until its page is migrated (``tools/count_checks.py`` counts
  them).

A claim that fails raises an ``AssertionError`` when the environment variable
``CNNEXPLAIN_STRICT_CLAIMS`` is ``1`` (the docs build sets it). Anywhere else
it only warns: a downloaded example run with another seed or on another
machine keeps going, and says which sentence of its page this run does not
confirm.

**Why the claim kinds take the statistic, not a boolean.** A boolean can
test something weaker than its sentence, and the box cannot show it:
``p > 0.05`` printed under "no effect", "at least 8 of 10" where 8 is what
the run gave. A claim kind computes the test itself, so the sentence's
quantifier is what is tested: "most" is a share whose whole 95% interval lies
above one half, "no effect" is an equivalence whose whole interval lies
within a stated margin, and a difference whose interval spans zero reads
"cannot tell", never "no difference". The box shows the test, n, the
measured value with its interval and the margin, so a reader can judge the
sentence without reading the code.

**Margins stated in advance.** A margin copied from the run it checks makes
any claim pass. Three guards, from the strongest:

1. **Where the margin comes from.** A margin argument must be written in the
   code as a number, or a name the code binds only to a number, or a library
   constant it imports, or a margin of the page's :func:`declare_margins`.
   The claim reads its own calling line (see ``cnnexplain/_callsite.py``)
   and refuses ``at_least=observed`` or ``at_least=float(np.mean(x))`` with
   a :class:`MarginError` (a ``ValueError``): a value computed while the
   page runs. Only this catches
   a margin computed from the run; a float carries no history.
2. **What the margin is.** A margin is a plain Python ``int`` or ``float``
   (not a bool, not a numpy or torch scalar, which are what computations on
   arrays give: ``TypeError``), and finite.
3. **Whether it equals the measurement.** A margin equal to the statistic it
   is compared with -- "at least 8 of 10" where 8 was measured -- is the mark
   of a number copied from the site's previous build, which the next build,
   with the same seed, measures again. It is refused (:class:`MarginError`) unless
   it is one of the values a quantifier gives (0, one half, 1, or n: "none",
   "half", "all"). A run that lands exactly on an honest margin is refused
   too; such a margin has no room, and the sentence needs another. This
   guard watches the runs the pages were written against: the default seed
   (``CNNEXPLAIN_SEED`` unset or 0). A run of another seed that lands exactly
   on a margin is a coincidence, not a copy: its claim is decided, not
   refused (``nox -s claims`` builds the site from random seeds).

:func:`declare_margins` adds a register: the page states its margins once,
before it measures anything (declaring after a glue or a claim, or twice,
raises), and its claims name them (``at_least="accuracy"``; an undeclared
name raises). It is the page's pre-registration: the margins in one place,
fixed before the run, and the same numbers the prose quotes (glue them from
the register). A margin may also be written in the claim itself, as a
literal; guard 1 checks both ways alike.

>>> from cnnexplain.claims import bound, collect, glue
>>> accuracy = glue("accuracy", 0.9962, "{:.1%}")
>>> result = bound("after training the accuracy is 99% or more",
...                accuracy, n=1, at_least=0.99, fmt="{:.1%}")
>>> result.holds, result.margin
(True, 'at least 99.0%')
>>> collect()["values"]
{'accuracy': '99.6%'}
"""

from ._bounds import bound, check, setting
from ._checked import Checked
from ._comparisons import difference, equivalent, holm
from ._counts import every, majority, share
from ._margin_rules import MarginError, Margins, declare_margins
from ._record import OUTCOMES as _OUTCOMES
from ._record import STRICT_ENV as _STRICT_ENV
from ._record import UNQUALIFIED as UNQUALIFIED  # the box's name for a boolean check (tests, docs)
from ._record import collect, glue, glue_link, outward, plural, span

#: The environment variable that makes a failing claim raise.
STRICT_ENV = _STRICT_ENV

#: What :func:`difference` can conclude from its interval.
OUTCOMES = _OUTCOMES

# The classes carry the name pages import them by, not their private module's: a page that
# breaks a margin rule sees "cnnexplain.claims.MarginError", and the gallery, which prints
# nothing for a block that ends with a claim, recognises "cnnexplain.claims.Checked".
for _public_class in (Checked, MarginError, Margins):
    _public_class.__module__ = __name__
del _public_class

__all__ = [
    "OUTCOMES",
    "STRICT_ENV",
    "Checked",
    "MarginError",
    "Margins",
    "bound",
    "check",
    "collect",
    "declare_margins",
    "difference",
    "equivalent",
    "every",
    "glue",
    "glue_link",
    "holm",
    "majority",
    "outward",
    "plural",
    "setting",
    "share",
    "span",
]
