"""Dashboards computed from orders data and shown by the shell's pages (see :mod:`shop.dashboards`)."""
