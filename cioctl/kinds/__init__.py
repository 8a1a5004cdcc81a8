"""One module per resource kind, plus the registry that derives every kind list.

:mod:`cioctl.kinds.registry` (light: no API imports) holds the kinds, their order, surfaces,
credentials and ledger membership; :mod:`cioctl.kinds.address` the ``kind:key`` type; each
``cioctl/kinds/<kind>.py`` that kind's create/update/delete/recover over the client, gathered
by :mod:`cioctl.kinds.operations`. See docs/architecture.md.
"""
