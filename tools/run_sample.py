"""Run one sample file and save its ``results`` dict as arrays: tools/run_sample.py SAMPLE OUT.npz

Samples run through runpy, never as ``python examples/x/jax.py``: that would put the sample's
folder first on sys.path, and a file named jax.py would then shadow the real jax package.
"""

import runpy
import sys
from pathlib import Path

import numpy as np


def to_numpy(value):
    if hasattr(value, "detach"):  # torch tensors
        value = value.detach().cpu()
    return np.asarray(value)


def main(sample: str, out: str) -> None:
    namespace = runpy.run_path(sample, run_name="__main__")
    results = namespace.get("results")
    if not isinstance(results, dict) or not results:
        sys.exit(
            f"{sample}: define a non-empty dict named `results` at the end of the sample, "
            "holding the values the other frameworks' samples must agree with."
        )
    np.savez(out, **{name: to_numpy(value) for name, value in results.items()})
    print(f"{Path(sample).as_posix()}: {len(results)} results")


if __name__ == "__main__":
    main(*sys.argv[1:])
