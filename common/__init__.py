"""Pure code both halves share (datum maths, the secret key, errors, the time zone); imports neither."""
