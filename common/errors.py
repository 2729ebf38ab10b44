"""Expected failures that the command line reports as one clear line, never a traceback."""


class OnemapError(Exception):
    """An expected failure whose message is the one line shown to the user."""


class AuthError(OnemapError, ValueError):
    """A request to change users that cannot be met (weak password, unknown user …)."""


class SetupError(OnemapError, RuntimeError):
    """The deployment is not set up for what was asked (no database URL, key not registered …)."""
