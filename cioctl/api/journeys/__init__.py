"""Codecs for the Journeys (``/v1/environments/{env}/...``) routes, written from the evidence
page on the live service (customerio-journeys-evidence.md; sections are cited as ``§N``).

Only pure, typed encoders and decoders live here: no HTTP. ``segment_conditions`` turns the
definitions' condition trees into the segment ``conditions`` wire form and back.
"""
