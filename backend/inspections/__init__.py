"""Inspections (监督检查) against versioned checklists, results and dynamic grades, rectification, and
the annual grade shown as green / yellow / red (量化分级 · 三色码)."""
