"""Land-cover classification schemes mapped to the 8 NKI land types."""
