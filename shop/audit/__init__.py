"""The program office's audit log: who did what, when, to what."""
