"""nbcode.notebook.agreement: a verdict against a bound instead of a rounding-noise figure."""

import numpy as np
import pytest

from nbcode import notebook
from nbcode.notebook import agreement


def test_sentence_names_both_sides_and_the_bound():
    text = agreement([1.0, 2.0 + 1e-12], [1.0, 2.0], 1e-8)
    assert text == "formula and finite differences agree to better than 1e-8 (relative)"
    assert agreement([3.0], [3.0], 1e-12, names=("ours", "jax.grad")) == \
        "ours and jax.grad agree to better than 1e-12 (relative)"


def test_difference_is_relative_to_the_largest_reference_entry():
    # 1e-7 absolute on entries of size 1000 is 1e-10 relative: within 1e-8
    agreement([1000.0, 1e-7], [1000.0, 0.0], 1e-8)
    # the same absolute difference on entries of size 1 is 1e-7 relative: not within 1e-8
    with pytest.raises(AssertionError, match=r"differ by 1\.0e-07 \(relative\), more than the bound 1e-8"):
        agreement([1.0, 1e-7], [1.0, 0.0], 1e-8)


def test_a_wrong_sign_fails():
    with pytest.raises(AssertionError, match="differ by 2.0e"):
        agreement(np.array([-1.0, -2.0]), np.array([1.0, 2.0]), 1e-8)


def test_zero_reference_uses_the_absolute_difference():
    agreement([0.0, 1e-13], [0.0, 0.0], 1e-12)
    with pytest.raises(AssertionError):
        agreement([0.0, 1e-11], [0.0, 0.0], 1e-12)


def test_nan_never_agrees():
    with pytest.raises(AssertionError):
        agreement([np.nan], [1.0], 1e-8)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match=r"same shape; got computed \(2,\) and reference \(3,\)"):
        agreement([1.0, 2.0], [1.0, 2.0, 3.0], 1e-8)
    with pytest.raises(ValueError, match="bound must be a positive number; got 0"):
        agreement([1.0], [1.0], 0)


def test_glue_sends_what_myst_nb_glue_sends(monkeypatch):
    # nbcode writes myst-nb's display call itself (importing myst_nb in a kernel costs about
    # a second): the bundle and its metadata must be the very ones myst_nb.glue sends.
    import IPython.display
    import myst_nb.ext.glue as myst_glue

    sent = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: sent.append((a, k)))
    monkeypatch.setattr(myst_glue, "ipy_display", lambda *a, **k: sent.append((a, k)))
    notebook.glue("accuracy", 0.91234)
    notebook.glue("share", 0.25, percent=True)
    myst_glue.glue("accuracy", notebook._Text("0.912"), display=False)
    myst_glue.glue("share", notebook._Text("25.0%"), display=False)
    assert len(sent) == 4 and sent[0] == sent[2] and sent[1] == sent[3]
    (bundle,), options = sent[0]
    assert bundle == {"application/papermill.record/text/plain": "0.912"}
    assert options["metadata"]["scrapbook"]["name"] == "accuracy"


def test_glue_percent_decimals(monkeypatch):
    # decimals=0 for a mean whose first decimal changes with the CPU (chapter 6's probes).
    import IPython.display

    sent = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: sent.append(a[0]))
    notebook.glue("probe", 0.78749, percent=True, decimals=0)
    notebook.glue("probe", 0.78751, percent=True, decimals=0)
    notebook.glue("share", 0.78751, percent=True)
    assert [list(b.values())[0] for b in sent] == ["79%", "79%", "78.8%"]
