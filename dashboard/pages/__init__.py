"""The pages of the dashboard, each a layout function and, where it has any, its callbacks."""
