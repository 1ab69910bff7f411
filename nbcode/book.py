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

__all__ = ["setup", "glue", "fmt", "show_source"]


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


class _Text:
    """Text whose repr is the text itself, so that a glued number shows without quotes."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def glue(name: str, value, digits: int = 3, percent: bool = False) -> None:
    """Make ``value`` available to the prose as ``{glue:}`name```.

    Numbers are rounded to ``digits`` significant digits (``percent=True`` shows a
    fraction as a percentage with one decimal). Outside a book build (e.g. in
    Colab without myst-nb) it does nothing. It returns None, so a cell may end
    with it without displaying anything (do not rely on a trailing ``;``: nbval's
    re-execution ignores it).
    """
    if percent:
        text = f"{100 * float(value):.1f}%"
    elif isinstance(value, str):
        text = value
    else:
        text = fmt(value, digits)
    try:
        from myst_nb import glue as _glue
    except ImportError:  # pragma: no cover - outside the book's environment
        return None
    _glue(name, _Text(text), display=False)
    return None


def show_source(obj) -> None:
    """Display the source code of a function or class of nbcode, highlighted."""
    from IPython.display import Markdown, display

    display(Markdown(f"```python\n{inspect.getsource(obj).rstrip()}\n```"))
