"""Charts, maps and reports."""
