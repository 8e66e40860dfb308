"""Spreadsheet-safe text for the services' CSV files (see reports.csv_safe)."""
from reviewer.reports.csv_safe import FORMULA_START, safe_row, spreadsheet_safe

__all__ = ["FORMULA_START", "safe_row", "spreadsheet_safe"]
