"""Process-wide memory settings for the command line and the server.

NumPy asks the kernel for transparent huge pages on every large array
(``madvise(MADV_HUGEPAGE)``). On kernels whose THP ``defrag`` setting is ``madvise``
(the Debian/Ubuntu default) each such array then waits for the kernel to compact
memory on its first touch: measured on the 100 000-parcel lowland bench, joining the
cells' five ~94 MB arrays took 4.5 s with the advice and 0.5 s without it, and the
whole cell extraction 11.6 s against 6.7 s. The command line (and the server it
starts) therefore turns the advice off; ``NATURKAPITAL_HUGEPAGES=1`` keeps it. A
library user's process is left as it is.
"""

from __future__ import annotations

import os


def no_hugepage_advice() -> bool:
    """Stop NumPy advising huge pages for new arrays, unless ``NATURKAPITAL_HUGEPAGES=1``.
    Returns whether the advice is off afterwards."""
    if os.environ.get("NATURKAPITAL_HUGEPAGES") == "1":
        return False
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:  # another NumPy layout: leave the default
        return False
    _set_madvise_hugepage(False)
    return True
