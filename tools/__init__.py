"""Developer tools, run from the repository root and never shipped in the kiosk package:
``python -m tools.messages`` (the core's error templates for the translators),
``python -m tools.translations`` (update, compile and check the .ts/.qm files) and
``python -m tools.screenshots`` (the cashier's and manager's screens as PNG files)."""
