// The phone layout: below PHONE_WIDTH pixels of map (a phone, or a narrow notebook cell),
// the layer control and the legend fold into buttons, the title keeps one line (its
// description behind a tap), the side panel becomes a bottom sheet (peek, half, full) that
// a finger drags and buttons or arrow keys move, popups fit the screen and open clear of
// every control, and the reader fills the screen with a button back to the map.
// The phone is told by the map's own width, not the window's: a notebook cell is narrow in
// a wide window.  Hooks: panel.js calls story.pads(pads) as it pads popups, and the
// hooks' tab(name), fold(folded) and reveal(id) as the panel changes.
(function () {
  "use strict";
  var story = window.mapgenStory = window.mapgenStory || {};
  story.hooks = story.hooks || [];
  var PHONE_WIDTH = 600, MARGIN = 10, TARGET = 44, POPUP_WIDTH = 360;
  var STATES = ["peek", "half", "full"];
  var NEXT_LABEL = {
    peek: "Open the panel halfway",
    half: "Open the panel full screen",
    full: "Fold the panel down"
  };
  var root = document.documentElement, map = null, box = null, panel = null;
  var sheet = "peek", wasFolded = null, handle = null, back = null;

  function $(id) { return document.getElementById(id); }
  function phone() { return root.classList.contains("mg-phone"); }
  function rect(el) { return el ? el.getBoundingClientRect() : null; }
  function shown(el) {
    if (!el) return false;
    var r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
  }
  function make(tag, id, cls, words) {
    var el = document.createElement(tag);
    if (id) el.id = id;
    if (cls) el.className = cls;
    if (words) el.textContent = words;
    return el;
  }

  // ---------------------------------------------------------------- the layer control
  function layers() { return document.querySelector(".leaflet-control-layers"); }
  function layersOpen(open) {
    var control = layers();
    if (control) control.classList.toggle("leaflet-control-layers-expanded", open);
  }
  // Leaflet opens the control itself (a tap, Enter on its button): whatever opened it, its
  // button says so, it stands above the title and the legend, and they fold.
  function layersChanged() {
    var control = layers(), open = control.classList.contains("leaflet-control-layers-expanded");
    var toggle = control.querySelector(".leaflet-control-layers-toggle");
    if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
    root.classList.toggle("mg-layers-open", open);
    if (open && phone()) only("layers");
  }
  // On a phone one of the title, the legend and the layer control is open at a time.
  function only(which) {
    if (which !== "layers") layersOpen(false);
    var legend = $("mg-legend"), title = $("mg-title");
    if (which !== "legend" && legend && legend.open) legend.open = false;
    if (which !== "title" && title && title.classList.contains("mg-title-open")) titleOpen(false);
  }
  function setUpLayers() {
    var control = layers();
    if (!control) return;
    var toggle = control.querySelector(".leaflet-control-layers-toggle");
    if (toggle) toggle.setAttribute("aria-label", "Layers: the base map and what the map shows");
    new MutationObserver(layersChanged).observe(control, {attributes: true, attributeFilter: ["class"]});
    layersChanged();
    var done = make("button", "mg-layers-done", "mg-layers-done", "Done");
    done.type = "button";
    done.setAttribute("aria-label", "Close the layers");
    done.addEventListener("click", function () {
      layersOpen(false);
      if (toggle) toggle.focus();
    });
    (control.querySelector(".leaflet-control-layers-list") || control).appendChild(done);
    control.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && phone()) { layersOpen(false); if (toggle) toggle.focus(); }
    });
    map.on("click", function () { if (phone()) layersOpen(false); });
  }

  // ---------------------------------------------------------------- the title
  function setUpTitle() {
    var title = $("mg-title");
    if (!title) return;
    var more = make("button", "mg-title-more", "mg-title-more");
    more.type = "button";
    more.setAttribute("aria-expanded", "false");
    more.setAttribute("aria-label", title.querySelector("p") ? "The story's description" : "The whole title");
    more.innerHTML = '<span aria-hidden="true">&#9662;</span>';
    more.addEventListener("click", function () { titleOpen(!title.classList.contains("mg-title-open")); });
    title.appendChild(more);
  }
  function titleOpen(open) {
    var title = $("mg-title"), more = $("mg-title-more");
    title.classList.toggle("mg-title-open", open);
    more.setAttribute("aria-expanded", open ? "true" : "false");
    if (open && phone()) only("title");
    if (map) layout();
  }

  // ---------------------------------------------------------------- the bottom sheet
  function strip() {  // the height of the attribution and scale along the bottom
    var bottom = box.bottom, top = bottom;
    var corners = document.querySelectorAll(".leaflet-bottom .leaflet-control");
    for (var i = 0; i < corners.length; i++) {
      if (shown(corners[i])) top = Math.min(top, rect(corners[i]).top);
    }
    return Math.max(0, Math.round(bottom - top));
  }
  function heights() {
    var below = strip();
    var peek = Math.round(rect(panel.querySelector(".mg-tabs")).height + rect($("mg-sheet-grip")).height) + 2;
    var full = Math.round(box.height - below);
    return {peek: peek, half: Math.max(peek, Math.round(full * 0.5)), full: full, below: below};
  }
  function setSheet(state, fromPanel) {
    if (!phone()) return;
    sheet = state;
    var h = heights();
    panel.style.height = h[state] + "px";
    panel.style.bottom = h.below + "px";
    panel.setAttribute("data-mg-sheet", state);
    handle.setAttribute("aria-label", NEXT_LABEL[state]);
    handle.setAttribute("aria-expanded", state === "peek" ? "false" : "true");
    if (!fromPanel && story.fold) story.fold(state === "peek");
    if (story.padPopups) story.padPopups();
  }
  function step(by) {
    var i = Math.max(0, Math.min(STATES.length - 1, STATES.indexOf(sheet) + by));
    setSheet(STATES[i]);
  }

  // A finger (or a mouse) drags the grip or the tab row; let go, the sheet settles on the
  // nearest state, one state further if the drag went that way.  A tap stays a tap.
  function setUpDrag(zone) {
    var start = null;
    zone.addEventListener("pointerdown", function (e) {
      if (!phone() || (e.pointerType === "mouse" && e.button !== 0)) return;
      start = {y: e.clientY, h: rect(panel).height, id: e.pointerId, moved: false};
    });
    zone.addEventListener("pointermove", function (e) {
      if (!start || e.pointerId !== start.id) return;
      var dy = e.clientY - start.y;
      if (!start.moved && Math.abs(dy) < 8) return;
      if (!start.moved) {
        start.moved = true;
        zone.setPointerCapture(e.pointerId);
        panel.classList.add("mg-dragging");
      }
      var h = heights();
      panel.style.height = Math.max(h.peek, Math.min(h.full, start.h - dy)) + "px";
    });
    function end(e) {
      if (!start || e.pointerId !== start.id) return;
      var moved = start.moved, from = start.h, was = sheet;
      start = null;
      panel.classList.remove("mg-dragging");
      if (!moved) return;
      var h = heights(), now = rect(panel).height, best = "peek";
      STATES.forEach(function (s) { if (Math.abs(h[s] - now) < Math.abs(h[best] - now)) best = s; });
      var by = now - from;
      if (best === was && Math.abs(by) > 30) {
        best = STATES[Math.max(0, Math.min(2, STATES.indexOf(was) + (by > 0 ? 1 : -1)))];
      }
      setSheet(best);
      zone.addEventListener("click", swallow, true);  // the drag's own click is no tap
      setTimeout(function () { zone.removeEventListener("click", swallow, true); }, 0);
    }
    function swallow(e) { e.stopPropagation(); e.preventDefault(); }
    zone.addEventListener("pointerup", end);
    zone.addEventListener("pointercancel", end);
  }

  function setUpSheet() {
    var grip = make("div", "mg-sheet-grip", "mg-sheet-grip");
    grip.setAttribute("aria-hidden", "true");
    handle = make("button", "mg-sheet-handle", "mg-sheet-handle");
    handle.type = "button";
    handle.setAttribute("aria-controls", "mg-panel");
    handle.innerHTML = '<span aria-hidden="true"></span>';
    handle.addEventListener("click", function () {
      setSheet(STATES[(STATES.indexOf(sheet) + 1) % STATES.length]);
    });
    handle.addEventListener("keydown", function (e) {
      if (e.key === "ArrowUp") { step(1); e.preventDefault(); }
      else if (e.key === "ArrowDown") { step(-1); e.preventDefault(); }
    });
    back = make("button", "mg-sheet-back", "mg-sheet-back", "\u2190 Back to the map");
    back.type = "button";
    back.addEventListener("click", function () { setSheet("peek"); map.getContainer().focus(); });
    var tabs = panel.querySelector(".mg-tabs");
    tabs.appendChild(handle);
    panel.insertBefore(grip, panel.firstChild);
    panel.insertBefore(back, grip);
    setUpDrag(grip);
    setUpDrag(tabs);
  }

  // ---------------------------------------------------------------- popups
  // Popups on a phone: no wider than the screen less a margin, no taller than the map
  // between the controls at the top and the sheet, and panned clear of both.
  function pads(given) {
    if (!phone()) return Object.assign({}, given, {maxWidth: POPUP_WIDTH, maxHeight: null});
    var top = box.top, bottom = box.bottom;
    ["mg-title", "mg-legend"].forEach(function (id) {
      if (shown($(id))) top = Math.max(top, rect($(id)).bottom);
    });
    var corners = document.querySelectorAll(".leaflet-top .leaflet-control");
    for (var i = 0; i < corners.length; i++) {
      if (shown(corners[i])) top = Math.max(top, rect(corners[i]).bottom);
    }
    if (shown(panel)) bottom = Math.min(bottom, rect(panel).top);
    var above = Math.round(top - box.top) + MARGIN, below = Math.round(box.bottom - bottom) + MARGIN;
    // The popup's frame (1 px border, 20 + 24 px of content margin) and its tip (20 px).
    var width = Math.min(POPUP_WIDTH, Math.round(box.width) - 2 * MARGIN - 46);
    var height = Math.max(120, Math.round(box.height) - above - below - 20 - 28);
    return Object.assign({}, given, {
      autoPanPaddingTopLeft: [MARGIN, above],
      autoPanPaddingBottomRight: [MARGIN, below],
      maxWidth: width,
      maxHeight: height
    });
  }

  // ---------------------------------------------------------------- phone or not
  function layout() {
    box = map.getContainer().getBoundingClientRect();
    var now = box.width < PHONE_WIDTH;
    if (now !== phone()) {
      root.classList.toggle("mg-phone", now);
      if (now) enter(); else leave();
    }
    if (now) setSheet(sheet, true);
    else if (story.padPopups) story.padPopups();
  }
  function enter() {
    layersOpen(false);
    var legend = $("mg-legend");
    if (legend) legend.open = false;
    wasFolded = panel.classList.contains("mg-folded");
    sheet = "peek";
    if (story.fold) story.fold(true);
  }
  function leave() {
    layersOpen(true);
    panel.style.height = "";
    panel.style.bottom = "";
    panel.removeAttribute("data-mg-sheet");
    if (story.fold && wasFolded !== null) story.fold(wasFolded);
  }

  story.pads = function (given) { return map ? pads(given) : given; };
  story.sheet = function (state) { if (state) setSheet(state); return phone() ? sheet : null; };
  story.hooks.push({
    init: function (data, theMap) {
      map = theMap;
      panel = $("mg-panel");
      if (!panel) return;
      setUpLayers();
      setUpTitle();
      setUpSheet();
      layout();
      window.addEventListener("resize", layout);
      if (window.ResizeObserver) new ResizeObserver(layout).observe(map.getContainer());
      var legend = $("mg-legend");
      if (legend) legend.addEventListener("toggle", function () {
        if (!phone()) return;
        if (legend.open) only("legend");
        layout();
      });
    },
    // The panel opened a tab: the reader fills the screen, anything else takes half.
    tab: function (name) {
      if (!phone() || !handle) return;
      if (name === "reader") setSheet("full", true);
      else if (sheet === "peek") setSheet("half", true);
    },
    fold: function (folded) {
      if (!phone() || !handle) return;
      if (folded && sheet !== "peek") setSheet("peek", true);
      else if (!folded && sheet === "peek") setSheet("half", true);
    },
    // "Show on the map": the sheet steps down so that the map and its popup show.
    reveal: function () { if (phone() && handle) setSheet("peek"); }
  });
})();
