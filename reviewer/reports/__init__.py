"""Excel registers, summary figures and PDF, peer-compatible (gogen) result files."""
