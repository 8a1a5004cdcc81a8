"""Resources in one canonical form, for both sides of a diff.

Desired state (from the models) and live state (from the APIs) are both turned into
:class:`Resource` values whose ``fields`` are plain JSON in the units the API stores, with
references written as keys (never ids), defaults filled and unordered lists sorted. Equal
workspaces therefore produce equal resources, and the diff is a plain comparison.
"""
