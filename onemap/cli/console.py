"""The command's two consoles (messages on stderr, results on stdout) and its one progress display."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

console = Console(stderr=True, soft_wrap=True)
out = Console()


def progress_bar(description: str = "{task.description}") -> Progress:
    """The one progress display of the command: label, bar, n of total, time; gone when done."""
    return Progress(
        TextColumn(description),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
