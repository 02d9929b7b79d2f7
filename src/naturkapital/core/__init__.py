"""Core: errors and sourced tables shared by every layer."""
