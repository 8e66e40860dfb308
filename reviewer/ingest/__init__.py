"""Readers for criminal-history files: DOJ research files and case-management exports."""
