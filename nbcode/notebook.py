"""Small conveniences for the chapters: one set-up call, glued numbers, shown source.

``setup()`` is the first line of every chapter: it fixes the figure style and
numpy's printing so that every reader sees the same output. ``glue`` puts a
number computed by the code into the prose (through myst-nb), formatted as
text so that a numpy scalar never shows up as ``np.float64(0.5)``.
"""

from __future__ import annotations

import inspect
import numbers

import matplotlib as mpl
import numpy as np

from .i18n import _, prose_number

__all__ = ["setup", "glue", "fmt", "agreement", "show_source"]


def setup() -> None:
    """Fix the book's figure style and numpy's print options, and use one BLAS thread.

    One thread makes the small matrix products of the book faster (no thread start-up
    per product, no contention when several notebooks run at once) and their results
    identical from run to run.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
    mpl.rcParams.update({
        "figure.figsize": (6.0, 3.6),
        "figure.dpi": 90,
        "savefig.dpi": 90,
        "figure.constrained_layout.use": True,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "font.size": 10,
        "axes.titlesize": 10,
        "legend.fontsize": 9,
        "image.cmap": "viridis",
    })
    np.set_printoptions(precision=4, suppress=True, linewidth=90)


def fmt(value, digits: int = 3) -> str:
    """Format a number with ``digits`` significant digits (ints stay ints)."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}".replace(",", "\u202f") if abs(int(value)) >= 10_000 else str(int(value))
    value = float(value)
    if value == 0 or not np.isfinite(value):
        return str(value)
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa} × 10^{int(exponent)}"
    return text


def _power_of_ten(bound: float) -> str:
    """``1e-08`` written as ``1e-8``: the way a reader writes a tolerance."""
    mantissa, exponent = f"{bound:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def agreement(computed, reference, bound: float, names: tuple[str, str] | None = None) -> str:
    """Check that two arrays agree to a relative ``bound`` and say so in one sentence.

    Prints what is stable: the exact relative difference of two floating-point
    computations is rounding noise that changes with the CPU's BLAS kernels, the
    verdict against a bound justified by the method (e.g. the step of a finite
    difference) does not.

    Parameters
    ----------
    computed, reference : array-like, same shape
        The relative difference is ``max |computed - reference| / max |reference|``
        (the absolute difference when ``reference`` is all zeros).
    bound : float
        Positive tolerance on that relative difference.
    names : pair of str, optional
        How the sentence names ``computed`` and ``reference`` (default: "formula" and
        "finite differences", in the current language).

    Returns
    -------
    str
        ``"<computed> and <reference> agree to better than <bound> (relative)"``, in the
        current language.

    Raises
    ------
    AssertionError
        If the relative difference is not below ``bound``: the sentence would be false.
    """
    computed = np.asarray(computed, dtype=float)
    reference = np.asarray(reference, dtype=float)
    if computed.shape != reference.shape:
        raise ValueError(_("computed and reference must have the same shape; "
                           "got computed {computed} and reference {reference}").format(
            computed=computed.shape, reference=reference.shape))
    if not (np.isfinite(bound) and bound > 0):
        raise ValueError(_("bound must be a positive number; got {bound!r}").format(bound=bound))
    if names is None:
        names = (_("formula"), _("finite differences"))
    first, second = names[0], names[1]
    written = _power_of_ten(bound)
    scale = np.abs(reference).max(initial=0.0)
    difference = np.abs(computed - reference).max(initial=0.0) / (scale if scale > 0 else 1.0)
    if not difference < bound:   # also catches NaN
        raise AssertionError(_("{first} and {second} differ by {difference:.1e} (relative), "
                               "more than the bound {bound}").format(
            first=first, second=second, difference=difference, bound=written))
    return _("{first} and {second} agree to better than {bound} (relative)").format(
        first=first, second=second, bound=written)


#: The prefix of a glued value's MIME type, myst-nb's (and papermill's before it).
GLUE_PREFIX = "application/papermill.record/"


class _Text:
    """Text whose repr is the text itself, so that a glued number shows without quotes."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def glue(name: str, value, digits: int = 3, percent: bool = False, decimals: int = 1) -> None:
    """Make ``value`` available to the prose as ``{glue:}`name```.

    Numbers are rounded to ``digits`` significant digits (``percent=True`` shows a
    fraction as a percentage with ``decimals`` decimals: 0 for a mean whose last decimal
    changes with the CPU) and written the way the current language's
    prose writes them (:func:`nbcode.i18n.prose_number`: ``0,25`` in French). Outside a book build (e.g. in
    Colab) it shows nothing. It returns None, so a cell may end
    with it without displaying anything (do not rely on a trailing ``;``: nbval's
    re-execution ignores it).
    """
    if percent:
        text = f"{100 * float(value):.{int(decimals)}f}%"
    elif isinstance(value, str):
        text = value
    else:
        text = fmt(value, digits)
    text = prose_number(text)   # in French: 0,25 and 12,5 % (nbcode.i18n)
    from IPython.display import display

    # What myst_nb.glue(name, text, display=False) sends, written here: importing myst_nb
    # in the kernel pulls in nbformat, jsonschema and docutils, about a second of every
    # chapter's run, for one display call. A front end shows nothing for this bundle
    # (no text/plain); the book's build reads it from the cell's outputs.
    display({GLUE_PREFIX + "text/plain": repr(_Text(text))}, raw=True,
            metadata={"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX}})
    return None


def show_source(obj) -> None:
    """Display the source code of a function or class of nbcode, highlighted."""
    from IPython.display import Markdown, display

    display(Markdown(f"```python\n{inspect.getsource(obj).rstrip()}\n```"))
