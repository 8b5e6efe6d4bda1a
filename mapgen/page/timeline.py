"""The timeline: the story's events in order, and a time control showing the map as of a day.

Every feature gets a *since*: the first day the story knows of it, the earliest of its
events' first days and of the dates of the sources quoted on it (a month or a year counts
from its first day).  A place on a route is known from the route's since, too.  As of a
day, the map shows the features known by then (what was reported, expected or happening)
and hides the rest; the timeline marks each event past, happening or to come.

Python side: :func:`since_dates`, :func:`timeline_data` (the data the script reads) and
:func:`timeline_tab` (the panel's tab).  JavaScript side (:data:`TIMELINE_JS`):
``mapgenTimeline.setDate("2023-09-09")``, ``mapgenTimeline.date()``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..story.model import Event, Story, place_columns
from ..story.when import events_in_order, label, parse_when
from .evidence import Tab, status_html
from .markup import asset, isolated, text

__all__ = ["TIMELINE_JS", "events_in_order", "since_dates", "timeline_data", "timeline_tab"]

#: The time control's script (timeline.js) and the tab's style (timeline.css), each after a
#: blank line in the page.
TIMELINE_JS = "\n" + asset("timeline.js")
TIMELINE_CSS = "\n" + asset("timeline.css")


def _source_starts(story: Story) -> dict[str, dt.date]:
    starts = {}
    for source in story.sources:
        when = parse_when(source.date) if source.date else None
        if when is not None and not isinstance(when, str):
            starts[source.id] = when.start
    return starts


def since_dates(story: Story) -> dict[str, dt.date | None]:
    """Feature id -> the first day the story knows of it (None: no date says)."""
    starts = _source_starts(story)
    since: dict[str, dt.date | None] = {}

    def earliest(*days: dt.date | None) -> dt.date | None:
        known = [d for d in days if d is not None]
        return min(known) if known else None

    places = place_columns(story.places)  # a big story's, read from its columns
    if all(map((1).__eq__, places.counts)):  # one quote each: one C loop
        since.update(zip(places.ids, map(starts.get, places.quote_sources), strict=True))
    else:
        at = 0
        for place_id, n in zip(places.ids, places.counts, strict=True):
            since[place_id] = earliest(*map(starts.get, places.quote_sources[at : at + n]))
            at += n
    for feature in (*story.routes, *story.areas):
        cited = feature.quotes
        if len(cited) == 1:  # most of a big story's places: no list to make
            since[feature.id] = starts.get(cited[0].source)
        else:
            since[feature.id] = earliest(*(starts.get(q.source) for q in cited))
    for event in story.events:
        since[event.feature] = earliest(since.get(event.feature), event.date.start)
        since[event.id] = event.date.start
    for route in story.routes:
        for stop in route.via:
            if stop.place is not None:
                since[stop.place] = earliest(since.get(stop.place), since[route.id])
    return since


def timeline_data(
    story: Story, since: dict[str, dt.date | None] | None = None
) -> dict[str, Any] | None:
    """The span the time control covers and the events in order; None if nothing is dated.
    ``since``: :func:`since_dates` of the story, if the caller has it already."""
    if since is None:
        since = since_dates(story)
    days = [d for d in since.values() if d is not None]
    days += [e.date.end for e in story.events]
    if not days:
        return None
    return {
        "start": min(days).isoformat(),
        "end": max(days).isoformat(),
        "events": [e.id for e in events_in_order(story)],
    }


def event_extra(event: Event) -> dict[str, Any]:
    """What the script needs of an event besides its passages."""
    return {
        "feature": event.feature,
        "start": event.date.start.isoformat(),
        "end": event.date.end.isoformat(),
        "label": label(event.date),
    }


def timeline_tab(
    story: Story, names: dict[str, str], since: dict[str, dt.date | None] | None = None
) -> Tab:
    """The tab: the time control, then the events in order, each a button that flies the
    map to it.  ``names``: feature id -> name, to say where each event happened; ``since``
    as for :func:`timeline_data`."""
    data = timeline_data(story, since)
    if data is None:
        return Tab("timeline", "Timeline", '<p class="mg-hint">No dates in this story.</p>')
    start = dt.date.fromisoformat(data["start"])
    end = dt.date.fromisoformat(data["end"])
    span = (end - start).days
    control = (
        '<div class="mg-time"><label for="mg-time">Map as of'
        f' <output id="mg-time-label" for="mg-time">{text(_day(end))}</output></label>'
        f'<input type="range" id="mg-time" min="0" max="{span}" step="1" value="{span}"'
        f' data-mg-start="{start.isoformat()}">'
        f'<div class="mg-time-ends"><span>{text(_day(start))}</span>'
        '<button type="button" class="mg-linkish" id="mg-time-all">Latest</button>'
        f"<span>{text(_day(end))}</span></div></div>"
    )
    items = []
    for event in events_in_order(story):
        where = names.get(event.feature, event.feature)
        items.append(
            f'<li class="mg-event mg-status-{event.status}" data-mg-event="{text(event.id)}"'
            f' data-mg-start="{event.date.start.isoformat()}"'
            f' data-mg-end="{event.date.end.isoformat()}">'
            f'<a href="#" class="mg-event-go" data-mg-focus="{text(event.id)}"'
            ' title="Show it on the map">'
            f'<span class="mg-event-date">{text(label(event.date))}</span>'
            f'<span class="mg-event-title" dir="auto">{text(event.title)}</span></a>'
            f'<span class="mg-event-where">{isolated(where)} \u00b7 {status_html(event.status)}'
            "</span>"
            "</li>"
        )
    events = (
        f'<ol class="mg-events">{"".join(items)}</ol>'
        if items
        else '<p class="mg-hint">No events in this story.</p>'
    )
    return Tab("timeline", "Timeline", control + events, TIMELINE_JS, TIMELINE_CSS)


def _day(day: dt.date) -> str:
    return label(parse_when(day.isoformat()))  # type: ignore[arg-type]
