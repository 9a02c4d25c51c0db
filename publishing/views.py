"""Views of the publishing app."""
