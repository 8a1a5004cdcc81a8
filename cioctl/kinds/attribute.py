"""Kind ``attribute``: a person attribute's data-index metadata (description, privacy level).

The data index has no delete route: an attribute whose definition is gone is released from
the ledger (see :func:`cioctl.apply.ledger.released`), never deleted.
"""

from __future__ import annotations

from cioctl.kinds.data_index import write_one
from cioctl.kinds.ops import KindOps

OPS = KindOps(create=write_one, update=write_one)
