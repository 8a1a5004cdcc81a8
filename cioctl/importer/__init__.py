"""Importing an existing workspace: live canonical resources → definitions files.

The inverse of :mod:`cioctl.state.desired`, :mod:`cioctl.state.flows` and
:mod:`cioctl.state.canonical`: :mod:`.conditions` and :mod:`.flows` map canonical JSON back to
definitions data, :mod:`.infer` infers the types validation needs, :mod:`.build` assembles and
verifies every kind, :mod:`.write` writes the YAML, :mod:`.run` drives it all.
"""
