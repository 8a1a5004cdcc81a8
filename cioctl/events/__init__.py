"""``cioctl events``: event payloads checked against the event schemas of the definitions.

``schema`` turns each declared event into a JSON Schema document and into a compiled validator
(plain closures specialised per event); ``check`` streams payloads from files and applies them.
"""
