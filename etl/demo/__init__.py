"""The demo county: a reproducible synthetic city written as the agencies deliver their files."""
