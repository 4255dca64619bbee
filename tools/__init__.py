"""Maintenance scripts for the series (navigation cells, HTML build, screenshots)."""
