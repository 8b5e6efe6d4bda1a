"""How a ``mapgen`` command ends on a failure: one line per problem, and the exit status.

Shared by every command module of :mod:`mapgen.cli`, so that a mistake reads
the same whichever command found it, and so that no command module imports another.
"""

from __future__ import annotations

import sys
from typing import NoReturn

from ..core.errors import MapgenError, Problem, StoryError
from ..core.terminal import echo

#: A mistake in the story (fix places.yaml or an article).
STORY_ERROR = 2
#: Anything else: an output that cannot be written, a geocoder's fault.
OTHER_ERROR = 1


def fail(exc: MapgenError) -> NoReturn:
    """Print the error's problems, one line each, and exit: 2 for a story's mistake, else 1."""
    # Any other error is one line too (a geocoder's fault can quote what a server said).
    problems = exc.problems if isinstance(exc, StoryError) else [Problem(str(exc))]
    for problem in problems:
        echo(problem, err=True)
    if isinstance(exc, StoryError) and len(problems) > 1:
        echo(f"{len(problems)} problems; nothing was written.", err=True)
    sys.exit(STORY_ERROR if isinstance(exc, StoryError) else OTHER_ERROR)
