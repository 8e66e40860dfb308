"""Use cases: import, evaluate, decide, undo, print, export. One transaction per action."""
