// What a reader who does not see the map, or uses a keyboard, or is made ill by motion
// needs from it: every pin named (Leaflet makes a pin a focusable button with no name),
// every route and country reachable by the keyboard and named, each opening its popup on
// Enter or Space; and, with the system's "reduce motion", no animated flight, pan, zoom
// or fade.  Names come from the evidence data (data.features[id].name), the same text
// the popups show, set as attributes (never as HTML).
(function () {
  "use strict";
  var story = window.mapgenStory = window.mapgenStory || {};
  story.hooks = story.hooks || [];
  var KINDS = {place: "place", route: "route", area: "country", event: "event"};

  function describe(feature) {
    var kind = feature.shape || KINDS[feature.kind] || feature.kind;  // an area: country, region...
    return feature.name + " (" + kind + (feature.status ? ", " + feature.status : "") + ")";
  }

  function name(layer, feature) {
    var el = layer.getElement && layer.getElement();
    if (!el) return;
    if (layer.options && layer.options.interactive === false) {  // an arrow, a route's icon
      el.setAttribute("aria-hidden", "true");
      return;
    }
    el.setAttribute("aria-label", describe(feature));
    if (layer instanceof L.Path && layer.getPopup && layer.getPopup() && !el.hasAttribute("tabindex")) {
      // A line or a country: a button too, as a pin is.
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", "button");
      el.addEventListener("keydown", function (e) {
        if (e.key !== "Enter" && e.key !== " ") return;
        e.preventDefault();
        var bounds = layer.getBounds && layer.getBounds();
        layer.openPopup(bounds && bounds.isValid() ? bounds.getCenter() : undefined);
      });
    }
  }

  function nameAll(data) {
    Object.keys(data.features).forEach(function (id) {
      var feature = data.features[id];
      story.layers(id).forEach(function (layer) {
        name(layer, feature);
        if (layer.on) layer.on("add", function () { name(layer, feature); });
      });
    });
  }

  // Reduced motion: the map's own animations off, and every move made at once.
  function still(map) {
    map.options.fadeAnimation = false;
    map.options.zoomAnimation = false;
    map.options.markerZoomAnimation = false;
    map.options.inertia = false;
    map._zoomAnimated = false;
    var now = {animate: false};
    map.flyTo = function (at, zoom, options) {
      return this.setView(at, zoom, Object.assign({}, options, now));
    };
    map.flyToBounds = function (bounds, options) {
      return this.fitBounds(bounds, Object.assign({}, options, now));
    };
    ["setView", "panBy", "panTo", "fitBounds", "setZoom"].forEach(function (method) {
      var own = map[method];
      map[method] = function (a, b, c) {
        if (method === "setView") return own.call(this, a, b, Object.assign({}, c, now));
        if (method === "setZoom") return own.call(this, a, Object.assign({}, b, now));
        return own.call(this, a, Object.assign({}, b, now));
      };
    });
  }

  story.hooks.push({
    init: function (data, map) {
      nameAll(data);
      map.getContainer().setAttribute("role", "region");
      map.getContainer().setAttribute("aria-label", "Map of the story");
      var motion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");
      if (motion && motion.matches) still(map);
    }
  });
})();
