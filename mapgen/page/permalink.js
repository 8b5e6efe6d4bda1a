/* mapgen's permalinks, "copy link" and fullscreen (see permalink.py and docs/page.md).
 *
 * The address's fragment says what is shown: parts joined by "&", any of
 *   ID              the popup of the place, route, area or event with that id
 *   ID/quote/N      the reader at the feature's passage N (0-based, as its popup lists them)
 *   source/ID       the reader at a whole article
 *   @LAT,LON,ZOOM   the view
 *   day=YYYY-MM-DD  the time control's day
 * e.g. map.html#pier-33, map.html#pier-33/quote/0&day=2024-03-01.  Opening a popup or a
 * passage adds a history entry (back walks back through them); moving the map or the time
 * control only rewrites the current one.  The fragment is the reader's to type: it is
 * parsed, checked against the story's own ids and never put into the page as HTML. */
(function () {
  "use strict";
  var story = window.mapgenStory = window.mapgenStory || {};
  story.hooks = story.hooks || [];
  var data = null, map = null, ready = false, framed = false, openId = null;
  var DAY = /^\d{4}-\d{2}-\d{2}$/, VIEW = /^@(-?\d{1,2}(?:\.\d+)?),(-?\d{1,3}(?:\.\d+)?),(\d{1,2}(?:\.\d+)?)$/;

  function own(obj, key) { return !!obj && Object.prototype.hasOwnProperty.call(obj, key); }
  function decode(s) { try { return decodeURIComponent(s); } catch (e) { return null; } }

  // The fragment as {target, view, day}: anything unknown is dropped.
  function parse(hash) {
    var out = {target: null, view: null, day: null};
    String(hash || "").replace(/^#/, "").split("&").forEach(function (part) {
      var v = VIEW.exec(part);
      if (v) out.view = [+v[1], +v[2], +v[3]];
      else if (part.slice(0, 4) === "day=" && DAY.test(part.slice(4))) out.day = part.slice(4);
      else if (part && out.target == null) out.target = decode(part);
    });
    return out;
  }
  function target(t) {  // "ID/quote/N" -> {id, n}; "source/ID" -> {source}; "ID" -> {id}
    if (t == null) return null;
    var q = /^(.+)\/quote\/(\d{1,4})$/.exec(t);
    if (q) return {id: q[1], n: +q[2]};
    if (t.slice(0, 7) === "source/") return {source: t.slice(7)};
    return {id: t};
  }
  function fragment(t, withState) {
    var parts = [];
    if (t != null) parts.push(t.split("/").map(encodeURIComponent).join("/"));
    if (withState) {
      var c = map.getCenter(), z = Math.round(map.getZoom() * 100) / 100;
      parts.push("@" + c.lat.toFixed(4) + "," + c.lng.toFixed(4) + "," + z);
      var day = window.mapgenTimeline && window.mapgenTimeline.date();
      if (day && data.timeline && day !== data.timeline.end) parts.push("day=" + day);
    }
    return parts.length ? "#" + parts.join("&") : "#";
  }
  //: The address of a feature or passage, absolute, as the "copy link" buttons give it.
  function linkTo(t) {
    return location.href.replace(/#.*$/, "") + fragment(t, false);
  }
  function current() { return parse(location.hash).target; }

  // The panel as it is, kept in the history entry being left: back restores it.
  function panelState() {
    var panel = document.getElementById("mg-panel");
    var tab = document.querySelector("#mg-panel [data-mg-tab][aria-selected='true']");
    return {mgTab: tab ? tab.getAttribute("data-mg-tab") : null,
            mgFolded: !!(panel && panel.classList.contains("mg-folded"))};
  }
  function write(t, push) {
    if (!ready) return;
    var url = fragment(t, true);
    try {
      if (push && !framed) {  // framed, the back button is the host page's: no entries
        history.replaceState(Object.assign({}, history.state, panelState()), "", location.href);
        history.pushState({}, "", url);
      } else {
        history.replaceState(history.state, "", url);
      }
    } catch (e) { /* a sandboxed frame may refuse: the page works without */ }
  }
  function opened(t) { if (current() !== t) write(t, true); }

  function storeOf(id) {
    var stores = window.mapgenStores || [];
    for (var s = 0; s < stores.length; s++) {
      var i = stores[s].find(id);
      if (typeof i === "number" && i >= 0) return {store: stores[s], i: i};
    }
    return null;
  }
  // The popup of feature `id`: flown to, or opened where the map is when the address
  // gave the view too.  A big story's places are in its data layer's store.
  function showPopup(id, keepView) {
    var hit = storeOf(id);
    if (!hit) {
      if (!own(data.features, id)) return false;
      if (keepView && story.openPopup) story.openPopup(id);
      else story.focus(id);
      return true;
    }
    var row = hit.store.d.places[hit.i];
    if (!keepView) map.setView([row[0], row[1]], Math.max(map.getZoom(), 8), {animate: false});
    hit.store.open(hit.i);
    return true;
  }
  function restorePanel(state) {
    var tab = document.querySelector("#mg-panel [data-mg-tab='reader'][aria-selected='true']");
    if (!tab || !story.showTab) return;
    var first = document.querySelector("#mg-panel [data-mg-tab]");
    story.showTab((state && state.mgTab !== "reader" && state.mgTab) || first.getAttribute("data-mg-tab"));
    if (state && state.mgFolded) story.fold(true);
  }

  // Show what the address says.
  function apply() {
    var want = parse(location.hash), t = target(want.target);
    var timeline = window.mapgenTimeline;
    if (timeline && data.timeline) timeline.setDate(want.day || data.timeline.end);
    if (want.view) map.setView([want.view[0], want.view[1]], want.view[2], {animate: false});
    if (!t) { map.closePopup(); restorePanel(history.state); return; }
    if (t.source != null) { window.mapgenReader.openSource(t.source); return; }
    if (t.n != null) {
      if (!own(data.features, t.id) && storeOf(t.id)) showPopup(t.id, !!want.view);
      if (own(data.features, t.id)) window.mapgenReader.open(t.id, t.n);
      return;
    }
    if (openId !== t.id) showPopup(t.id, !!want.view);
    restorePanel(history.state);
  }

  // A "copy link" button: the link in its data-mg-link; copied by the clipboard API, or,
  // where there is none (a file:// page may have none), shown selected to copy by hand.
  function copyButton(t, name, cls) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "mg-copy " + (cls || "");
    button.textContent = "Copy link";
    button.setAttribute("aria-label", "Copy link to " + name);
    button.setAttribute("data-mg-link", linkTo(t));
    return button;
  }
  function copy(button) {
    var url = button.getAttribute("data-mg-link");
    var status = button.parentNode.querySelector(".mg-copied");
    if (!status) {
      status = document.createElement("span");
      status.className = "mg-copied";
      status.setAttribute("role", "status");
      button.parentNode.insertBefore(status, button.nextSibling);
    }
    function byHand() {
      var field = button.parentNode.querySelector("input.mg-copy-url");
      if (!field) {
        field = document.createElement("input");
        field.className = "mg-copy-url";
        field.readOnly = true;
        field.setAttribute("aria-label", "Link");
        status.parentNode.insertBefore(field, status.nextSibling);
      }
      field.value = url;
      field.focus();
      field.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      status.textContent = done ? "Link copied" : "Copy the selected link";
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(function () { status.textContent = "Link copied"; }, byHand);
    } else {
      byHand();
    }
  }

  // Each popup of a feature gets its button as its content is set (before Leaflet lays it out).
  function addToPopup(e) {
    var root = e.target.getElement && e.target.getElement();
    var box = root && root.querySelector(".mg-popup[data-mg-id]");
    if (!box || box.querySelector(".mg-copy")) return;
    var id = box.getAttribute("data-mg-id"), title = box.querySelector("h3");
    var p = document.createElement("p");
    p.className = "mg-copy-line";
    p.appendChild(copyButton(id, title ? title.textContent : id));
    box.appendChild(p);
  }
  function hookPopup(popup) {
    if (popup && !popup._mgCopy) { popup._mgCopy = true; popup.on("contentupdate", addToPopup); }
  }
  L.Popup.addInitHook(function () { hookPopup(this); });

  function readerButton() {
    var show = document.getElementById("mg-reader-show");
    if (!show) return null;
    var button = copyButton(null, "this passage", "mg-linkish");
    button.id = "mg-reader-copy";
    button.hidden = true;  // until a passage or an article is shown
    show.parentNode.insertBefore(button, show.nextSibling);
    return button;
  }

  // Fullscreen: a button where the page is framed or small, and the browser allows it.
  function fullscreenControl() {
    var root = document.documentElement;
    var can = document.fullscreenEnabled && root.requestFullscreen;
    var control = L.control({position: "topleft"});
    var button;
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "leaflet-bar mg-fullscreen");
      button = L.DomUtil.create("button", "", box);
      button.type = "button";
      button.setAttribute("aria-pressed", "false");
      label(false);
      L.DomEvent.disableClickPropagation(box);
      button.addEventListener("click", function () {
        if (document.fullscreenElement) document.exitFullscreen();
        else root.requestFullscreen().catch(function () {});
      });
      return box;
    };
    // Four corners, pointing out (to go full screen) or in (to leave it): drawn, as no
    // font is sure to have a glyph for them.
    var OUT = "M3 9V3h6M15 3h6v6M21 15v6h-6M9 21H3v-6", IN = "M9 3v6H3M21 9h-6V3M15 21v-6h6M3 15h6v6";
    function label(on) {
      var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg");
      var path = document.createElementNS(ns, "path");
      svg.setAttribute("viewBox", "0 0 24 24");
      svg.setAttribute("aria-hidden", "true");
      svg.setAttribute("focusable", "false");
      path.setAttribute("d", on ? IN : OUT);
      svg.appendChild(path);
      button.textContent = "";
      button.appendChild(svg);
      button.title = on ? "Leave full screen" : "Full screen";
      button.setAttribute("aria-label", button.title);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    }
    if (!can) return;
    control.addTo(map);
    function place() {
      var small = map.getContainer().clientWidth < 600 || window.innerHeight < 500;
      control.getContainer().hidden = !(framed || small || document.fullscreenElement);
    }
    document.addEventListener("fullscreenchange", function () {
      label(!!document.fullscreenElement);
      place();
      map.invalidateSize();
    });
    window.addEventListener("resize", place);
    place();
  }

  story.hooks.push({
    init: function (theData, theMap) {
      data = theData;
      map = theMap;
      try { framed = window.self !== window.top; } catch (e) { framed = true; }
      document.documentElement.classList.toggle("mg-framed", framed);
      map.eachLayer(function (layer) { if (layer.getPopup) hookPopup(layer.getPopup()); });
      readerButton();
      document.addEventListener("click", function (e) {
        var b = e.target.closest && e.target.closest("button.mg-copy");
        if (b) { e.preventDefault(); copy(b); }
      });
      map.on("popupopen", function (e) {
        var box = e.popup.getElement().querySelector(".mg-popup[data-mg-id]");
        openId = box ? box.getAttribute("data-mg-id") : null;
        if (openId) opened(openId);
      });
      map.on("popupclose", function (e) {
        var box = e.popup.getElement() && e.popup.getElement().querySelector(".mg-popup[data-mg-id]");
        var id = box ? box.getAttribute("data-mg-id") : null;
        if (id !== openId) return;
        openId = null;
        setTimeout(function () {  // another popup opening in its place keeps the address
          if (openId == null && current() === id) write(null, false);
        }, 0);
      });
      map.on("moveend", function () { write(current(), false); });
      var time = document.getElementById("mg-time"), all = document.getElementById("mg-time-all");
      if (time) time.addEventListener("input", function () { write(current(), false); });
      if (all) all.addEventListener("click", function () { setTimeout(function () { write(current(), false); }, 0); });
      window.addEventListener("popstate", apply);
      fullscreenControl();
      // The other scripts' hooks (the time control's) run after this one: show the address then.
      setTimeout(function () {
        if (location.hash.length > 1) apply();
        ready = true;
      }, 0);
      story.permalink = {parse: parse, link: linkTo, apply: apply};
    },
    read: function (featureId, n, sourceId) {
      var t = featureId != null ? featureId + "/quote/" + n : "source/" + sourceId;
      var reader = document.getElementById("mg-reader-copy");
      if (reader) {
        reader.hidden = false;
        reader.setAttribute("data-mg-link", linkTo(t));
        var f = featureId != null && data.features[featureId];
        reader.setAttribute("aria-label", "Copy link to " + (f ? "this passage about " + f.name : "this article"));
        var old = reader.parentNode.querySelectorAll(".mg-copied, .mg-copy-url");
        for (var i = 0; i < old.length; i++) old[i].parentNode.removeChild(old[i]);
      }
      opened(t);
    }
  });
})();
