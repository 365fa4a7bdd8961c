"""The potential and needs map (issue 22): what each kelurahan makes, looks for, and buys elsewhere."""
