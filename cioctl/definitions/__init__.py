"""Reading a workspace folder: discovery, YAML with locations, ``${...}`` interpolation."""
