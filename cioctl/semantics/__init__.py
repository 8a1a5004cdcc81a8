"""The reference semantics engine (issue 12): what segments and flows *do*, as pure functions
over the validated model, following docs/semantics.md. No API code, no I/O, no wall clock."""
