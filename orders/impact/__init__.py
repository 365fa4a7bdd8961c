"""Impact of the program: member activity, the office dashboard, its API (issue 8)."""
