"""Views of the feeds app."""
