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

from .evidence import Tab, status_html
from .markup import isolated, text
from .model import Event, Story, place_columns
from .when import label, parse_when

__all__ = ["TIMELINE_JS", "events_in_order", "since_dates", "timeline_data", "timeline_tab"]


def events_in_order(story: Story) -> list[Event]:
    """By first day, then last day, then as the story lists them."""
    numbered = list(enumerate(story.events))
    numbered.sort(key=lambda pair: (pair[1].date.start, pair[1].date.end, pair[0]))
    return [event for _, event in numbered]


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


TIMELINE_JS = r"""
(function () {
  "use strict";
  var story = window.mapgenStory = window.mapgenStory || {};
  story.hooks = story.hooks || [];
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"];
  var data = null, input = null, day = null, t0 = 0;

  function iso(n) { return new Date(t0 + n * 864e5).toISOString().slice(0, 10); }
  function index(isoDay) { return Math.round((Date.parse(isoDay + "T00:00:00Z") - t0) / 864e5); }
  function words(isoDay) {
    var p = isoDay.split("-");
    return (+p[2]) + " " + MONTHS[+p[1] - 1] + " " + p[0];
  }
  function hidden(id) {
    var f = data.features[id];
    return !!(f && f.since && day && f.since > day);
  }
  function paint(layer, id) {
    var el = layer.getElement && layer.getElement();
    var off = hidden(id);
    if (el) el.classList.toggle("mg-later", off);
    if (off && layer.isPopupOpen && layer.isPopupOpen()) layer.closePopup();
  }
  function setDate(isoDay) {
    var n = Math.max(0, Math.min(+input.max, index(isoDay)));
    input.value = n;
    day = iso(n);
    document.getElementById("mg-time-label").textContent = words(day);
    Object.keys(data.features).forEach(function (id) {
      story.layers(id).forEach(function (layer) { paint(layer, id); });
    });
    var items = document.querySelectorAll("#mg-tab-timeline [data-mg-event]");
    for (var i = 0; i < items.length; i++) {
      var li = items[i], s = li.getAttribute("data-mg-start"), e = li.getAttribute("data-mg-end");
      li.classList.toggle("mg-past", e < day);
      li.classList.toggle("mg-now", s <= day && day <= e);
      li.classList.toggle("mg-later", s > day);
    }
    return day;
  }

  story.hooks.push({
    init: function (theData) {
      data = theData;
      input = document.getElementById("mg-time");
      if (!input || !data.timeline) return;
      t0 = Date.parse(input.getAttribute("data-mg-start") + "T00:00:00Z");
      Object.keys(data.features).forEach(function (id) {
        story.layers(id).forEach(function (layer) {
          layer.on("add", function () { paint(layer, id); });
        });
      });
      input.addEventListener("input", function () { setDate(iso(+input.value)); });
      document.getElementById("mg-time-all").addEventListener("click", function () {
        setDate(data.timeline.end);
      });
      setDate(data.timeline.end);
    },
    // Choosing an event, or a feature the time control hides, moves it to when it is known.
    reveal: function (id) {
      if (!data || !input) return;
      var f = data.features[id];
      if (!f) return;
      var need = f.end || f.since;
      var anchor = f.feature ? data.features[f.feature] : null;
      if (anchor && anchor.since && anchor.since > need) need = anchor.since;
      if (need && day && (hidden(id) || (anchor && hidden(f.feature)) || (f.start && f.start > day))) setDate(need);
    }
  });
  window.mapgenTimeline = {
    setDate: function (isoDay) { return input ? setDate(isoDay) : null; },
    date: function () { return day; },
    hidden: hidden
  };
})();
"""

TIMELINE_CSS = """
.mg-time { margin: 2px 0 8px; padding-bottom: 8px; border-bottom: 1px solid #eaecee; }
.mg-time label { display: block; font-size: 12px; color: #555; }
.mg-time output { font-weight: 600; color: #1b2631; font-size: 13px; }
.mg-time input { width: 100%; margin: 4px 0 0; }
.mg-time-ends { display: flex; justify-content: space-between; align-items: center;
  font-size: 11px; color: #777; }
.mg-time-ends .mg-linkish { margin: 0; font-size: 11px; padding: 1px 6px; }
.mg-events { list-style: none; margin: 0; padding: 0; }
.mg-event { margin: 0 0 7px; padding: 3px 0 3px 8px; border-left: 3px solid #aab7b8; }
.mg-event.mg-status-expected { border-left-style: dashed; border-left-color: #b9770e; }
.mg-event.mg-status-confirmed { border-left-color: #1e8449; }
.mg-event.mg-status-denied { border-left-color: #c0392b; opacity: 0.75; }
.mg-event.mg-now { background: #fef9e7; }
.mg-event.mg-later { opacity: 0.45; }
.mg-event-go { display: flex; flex-direction: column; color: inherit; text-decoration: none; }
.mg-event-go:hover .mg-event-title, .mg-event-go:focus .mg-event-title {
  text-decoration: underline; }
.mg-event-date { font-size: 11px; color: #555; font-weight: 600; }
.mg-event-title { font-weight: 600; color: #1a5276; }
.mg-event-where { font-size: 12px; color: #555; display: flex; align-items: center;
  gap: 4px; flex-wrap: wrap; }
.mg-event-where .mg-status { font-weight: normal; }
.leaflet-marker-icon.mg-later, .leaflet-interactive.mg-later, path.mg-later {
  display: none !important; }
"""
