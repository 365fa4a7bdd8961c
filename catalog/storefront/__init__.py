"""Public pages: home, sentra directory, storefronts."""
