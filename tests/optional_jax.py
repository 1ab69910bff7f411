"""JAX for the tests that compare with it, optional: `make test-fast` runs without it.

In a venv from requirements.txt minus jax, ``jax`` and ``jnp`` are None and the tests marked
``needs_jax`` skip; requirements.txt installs it, so the full suite runs them. Float64 is
switched on, as the comparisons with numpy need.
"""

import pytest

try:
    import jax
    import jax.numpy as jnp
except ImportError:
    jax = jnp = None
else:
    jax.config.update("jax_enable_x64", True)

needs_jax = pytest.mark.skipif(jax is None, reason="jax is not installed")
