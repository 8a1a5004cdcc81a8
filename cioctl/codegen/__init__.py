"""``cioctl codegen``: typed tracking code (Python, TypeScript) from the event definitions.

``model`` is the typed intermediate model both targets render (``python``, ``typescript``);
``load`` reads only what codegen needs; ``run`` writes or checks the targets; ``usage`` and
``report`` find which declared events the apps' code sends.
"""
