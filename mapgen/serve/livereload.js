(function () {
  "use strict";
  var state = STATE;
  var KEY = "mapgen:view:" + location.pathname;
  var map = null;
  if (window.L && window.L.Map) {
    for (var name in window) {
      try {
        if (window[name] instanceof window.L.Map) { map = window[name]; break; }
      } catch (e) {}
    }
  }
  function saveView() {
    if (!map) return;
    var c = map.getCenter();
    try {
      sessionStorage.setItem(KEY, JSON.stringify({lat: c.lat, lng: c.lng, zoom: map.getZoom()}));
    } catch (e) {}
  }
  if (map) {
    try {
      var view = JSON.parse(sessionStorage.getItem(KEY) || "null");
      if (view && isFinite(view.lat) && isFinite(view.lng) && isFinite(view.zoom)) {
        map.setView([view.lat, view.lng], view.zoom, {animate: false});
      }
    } catch (e) {}
    map.on("moveend", saveView);
  }
  function banner(message) {
    var el = document.getElementById("BANNER");
    if (!message) { if (el) el.parentNode.removeChild(el); return; }
    if (!el) {
      el = document.createElement("div");
      el.id = "BANNER";
      el.setAttribute("role", "alert");
      el.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:100000;margin:0;" +
        "padding:10px 14px;background:#b03a2e;color:#fff;font:13px/1.45 ui-monospace," +
        "SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;" +
        "box-shadow:0 2px 6px rgba(0,0,0,.35);max-height:40vh;overflow:auto";
      document.body.appendChild(el);
    }
    el.textContent = message + "\n(the map below is the last good one; mapgen rebuilds when you save)";
  }
  window.__mapgen = {state: state, map: map};
  banner(state.error);
  if (!window.EventSource) return;
  var events = new EventSource("EVENTS");
  events.onmessage = function (event) {
    var now = JSON.parse(event.data);
    if (now.build !== state.build || now.session !== state.session) {
      saveView();
      events.close();
      location.reload();
      return;
    }
    state = now;
    window.__mapgen.state = now;
    banner(now.error);
  };
})();
