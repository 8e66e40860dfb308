"""Court documents on California pleading paper: pure layout over plain data (reportlab only)."""
