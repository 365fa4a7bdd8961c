"""The program office area (/admin): reads everything, approves and moderates."""
