"""The terminal's use cases, one module per area; each use case is one transaction over
pos.store. pos.terminal.Terminal is the facade the CLI and the UI call."""
