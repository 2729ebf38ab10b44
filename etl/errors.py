"""Expected failures that the command line reports as one clear line, never a traceback."""


class OnemapError(Exception):
    """An expected failure whose message is the one line shown to the user."""
