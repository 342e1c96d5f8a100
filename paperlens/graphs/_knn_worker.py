"""A worker process of the approximate neighbour search (see :meth:`paperlens.graphs.knn._Approximation.all_rows`).

Started as ``python -m paperlens.graphs._knn_worker``: reads one pickled task from standard input and writes
its pickled result to standard output. Being its own program, it never imports the caller's main script.
"""

from __future__ import annotations

import pickle
import sys


def main() -> None:
    # Everything the scan uses is imported before the task arrives: the parent is still preparing it.
    import scipy.linalg.blas  # noqa: F401
    import sklearn.utils.sparsefuncs  # noqa: F401

    from paperlens.graphs.knn import _scan_share

    task = pickle.load(sys.stdin.buffer)
    pickle.dump(_scan_share(*task), sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
