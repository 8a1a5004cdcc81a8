"""Kind ``event``: an event name's data-index metadata (its description).

Like attributes, events cannot be deleted through the API; see :mod:`cioctl.kinds.attribute`.
"""

from __future__ import annotations

from cioctl.kinds.data_index import write_one
from cioctl.kinds.ops import KindOps

OPS = KindOps(create=write_one, update=write_one)
