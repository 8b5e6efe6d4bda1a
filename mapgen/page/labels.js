// Names on the map (mapgen.page.firstview): every place named beside its pin, each route
// beside its mode icon, in a pane under the markers (a name never covers a pin).  After
// every move, the names are placed in order of importance (the rank the build gives):
// each takes the first of four spots around its pin (right, left, above, below) that
// overlaps no name placed before it, no pin or route icon, and no control, or gives way
// until the reader zooms in.  Pins that would overlap are spread around their
// common point, each joined to its true position by a thin line, so each can be clicked.
(function () {
  "use strict";
  var story = window.mapgenStory = window.mapgenStory || {};
  story.hooks = story.hooks || [];
  var OVERLAP = 2, MAX_SPREAD = 16, GAP = 2;
  var map = null, pane = null, items = [], pins = [], extras = [], pending = false;

  // A pin's box as it stands on the page: its element's size and the anchor its margins
  // give (a layout may pad a pin into a larger touch target, as the phone's does); the
  // icon's declared size before it is drawn.
  function iconBox(layer) {
    var el = layer.getElement && layer.getElement();
    if (el && el.offsetWidth) {
      var cs = window.getComputedStyle(el);
      return {w: el.offsetWidth, h: el.offsetHeight,
              ax: -parseFloat(cs.marginLeft) || 0, ay: -parseFloat(cs.marginTop) || 0};
    }
    var o = layer.options.icon.options, size = o.iconSize || [0, 0], at = o.iconAnchor || [size[0] / 2, size[1] / 2];
    return {w: size[0], h: size[1], ax: at[0], ay: at[1]};
  }

  function overlaps(a, b) {
    return a.l < b.r && a.r > b.l && a.t < b.b && a.b > b.t;
  }

  function shownOnMap(layer) {
    if (!map.hasLayer(layer)) return false;
    var el = layer.getElement && layer.getElement();
    return !!el && !el.classList.contains("mg-later");
  }

  // Pins that would stand on one another (their boxes overlap): each joins the group of
  // the first more important pin it overlaps, and each group is spread around its middle.
  function spread(list) {
    var seeds = [];
    list.forEach(function (it) {
      it.dx = 0; it.dy = 0;
      for (var g = 0; g < seeds.length; g++) {
        var s = seeds[g][0];
        if (Math.abs(s.c.x - it.c.x) < (s.box.w + it.box.w) / 2 - OVERLAP &&
            Math.abs(s.c.y - it.c.y) < (s.box.h + it.box.h) / 2 - OVERLAP) { seeds[g].push(it); return; }
      }
      seeds.push([it]);
    });
    seeds.forEach(function (group) {
      var k = Math.min(group.length, MAX_SPREAD);
      if (k < 2) return;
      var mx = 0, my = 0;
      group.forEach(function (it) { mx += it.c.x; my += it.c.y; });
      mx /= group.length; my /= group.length;
      // The least radius at which no two of the group's pins overlap.
      var w = 0, h = 0;
      group.forEach(function (it) { w = Math.max(w, it.box.w); h = Math.max(h, it.box.h); });
      var radius = 20, clash = true;
      while (clash && radius < 400) {
        radius += 2;
        clash = false;
        for (var a = 0; a < k && !clash; a++) for (var b = a + 1; b < k && !clash; b++) {
          var ta = -Math.PI / 2 + 2 * Math.PI * a / k, tb = -Math.PI / 2 + 2 * Math.PI * b / k;
          if (Math.abs(radius * (Math.cos(ta) - Math.cos(tb))) < w + 2 &&
              Math.abs(radius * (Math.sin(ta) - Math.sin(tb))) < h + 2) clash = true;
        }
      }
      group.slice(0, k).forEach(function (it, m) {  // in rank order: the first on top
        var angle = -Math.PI / 2 + 2 * Math.PI * m / k;
        it.dx = Math.round(mx + radius * Math.cos(angle) - it.c.x);
        it.dy = Math.round(my + radius * Math.sin(angle) - it.c.y);
      });
    });
  }

  function extra(k, cls) {
    if (!extras[k]) extras[k] = {};
    var slot = extras[k];
    if (!slot[cls]) slot[cls] = L.DomUtil.create("div", cls + " leaflet-zoom-hide", pane);
    return slot[cls];
  }

  // A line from a spread pin's true point to its tip, and a dot at the point.
  function leaders() {
    var used = 0;
    pins.forEach(function (it) {
      var el = it.layer.getElement();
      el.style.translate = it.dx || it.dy ? it.dx + "px " + it.dy + "px" : "";
      if (!it.dx && !it.dy) return;
      var line = extra(used, "mg-leader"), spot = extra(used, "mg-spot");
      used++;
      var length = Math.sqrt(it.dx * it.dx + it.dy * it.dy);
      L.DomUtil.setPosition(line, it.p);
      line.style.width = length + "px";
      line.style.transform = "rotate(" + Math.atan2(it.dy, it.dx) + "rad)";
      L.DomUtil.setPosition(spot, it.p);
      line.hidden = spot.hidden = false;
    });
    for (var k = used; k < extras.length; k++) {
      if (extras[k]["mg-leader"]) extras[k]["mg-leader"].hidden = true;
      if (extras[k]["mg-spot"]) extras[k]["mg-spot"].hidden = true;
    }
  }

  function place() {
    pending = false;
    if (!map) return;
    var size = map.getSize(), margin = 60, visible = [];
    items.forEach(function (it) {
      var on = shownOnMap(it.layer);
      if (on) {
        it.p = map.latLngToLayerPoint(it.layer.getLatLng());
        it.c = map.layerPointToContainerPoint(it.p);
        on = it.c.x > -margin && it.c.y > -margin && it.c.x < size.x + margin && it.c.y < size.y + margin;
      }
      it.on = on;
      if (on) { it.box = iconBox(it.layer); visible.push(it); }  // as the layout draws it now
      else { it.el.hidden = true; if (!it.route && it.layer.getElement()) it.layer.getElement().style.translate = ""; }
    });
    pins = visible.filter(function (it) { return !it.route; });
    spread(pins);
    leaders();
    // Everything a name must not cover, in the container's coordinates.
    var taken = (story.covers ? story.covers() : []).slice();
    visible.forEach(function (it) {
      var b = it.box, x = it.c.x + (it.dx || 0) - b.ax, y = it.c.y + (it.dy || 0) - b.ay;
      it.rect = {l: x, t: y, r: x + b.w, b: y + b.h};
      taken.push(it.rect);
    });
    var named = visible.concat(dataItems(size, taken));
    named.forEach(function (it) { if (it.w == null) it.el.hidden = false; });
    named.forEach(function (it) {  // measured once, all in one layout
      if (it.w == null) { it.w = it.el.offsetWidth; it.h = it.el.offsetHeight; }
    });
    named.forEach(function (it) { label(it, taken, size); });
    for (var k = used; k < pool.length; k++) pool[k].hidden = true;
  }

  // Name `it` at the first free spot around its pin (or icon), or hide its name.
  function label(it, taken, size) {
    var r = it.rect, w = it.w, h = it.h, cx = (r.l + r.r) / 2;
    var midY = it.route ? (r.t + r.b) / 2 : r.t + 13;
    var spots = [
      [r.r + GAP, midY - h / 2], [r.l - GAP - w, midY - h / 2],
      [cx - w / 2, r.t - h - GAP / 2], [cx - w / 2, r.b + GAP / 2]
    ];
    if ((it.dx || 0) < 0) spots = [spots[1], spots[0], spots[2], spots[3]];
    var chosen = null;
    for (var s = 0; s < spots.length && !chosen; s++) {
      var box = {l: spots[s][0], t: spots[s][1], r: spots[s][0] + w, b: spots[s][1] + h};
      if (box.l < 0 || box.t < 0 || box.r > size.x || box.b > size.y) continue;
      var free = true;
      for (var k = 0; k < taken.length && free; k++) if (overlaps(box, taken[k])) free = false;
      if (free) chosen = box;
    }
    it.el.hidden = !chosen;
    if (chosen) {
      it.el.classList.toggle("mg-label-left", chosen.r <= r.l);
      taken.push(chosen);
      L.DomUtil.setPosition(it.el, map.containerPointToLayerPoint([Math.round(chosen.l), Math.round(chosen.t)]));
    }
  }

  // A data layer (mapgen.page.datalayer, past 1,000 places) draws its pins on a canvas:
  // once the view shows at most MAX_DATA_NAMES single pins (zoomed in), they are named
  // too, by kind then story order, from a pool of name elements.  Its pins and clusters
  // join `taken`.
  var MAX_DATA_NAMES = 200, pool = [], used = 0;
  function dataItems(size, taken) {
    var out = [];
    used = 0;
    (window.mapgenStores || []).forEach(function (store) {
      if (store.map !== map || !store._offset) return;
      var ox = store._offset[0], oy = store._offset[1], singles = [];
      store.drawn.forEach(function (d) {
        var rect = d.i >= 0 ? {l: d.x - ox, t: d.y - oy, r: d.x - ox + d.w, b: d.y - oy + d.h}
          : {l: d.cx - d.r - ox, t: d.cy - d.r - oy, r: d.cx + d.r - ox, b: d.cy + d.r - oy};
        if (rect.r < 0 || rect.b < 0 || rect.l > size.x || rect.t > size.y) return;
        taken.push(rect);
        if (d.i >= 0) singles.push({i: d.i, rect: rect, kind: store.kind[d.i]});
      });
      if (singles.length > MAX_DATA_NAMES) return;
      singles.sort(function (a, b) { return a.kind - b.kind || a.i - b.i; });
      singles.forEach(function (one) {
        if (!pool[used]) {
          pool[used] = L.DomUtil.create("div", "mg-label mg-label-data leaflet-zoom-hide", pane);
          pool[used].setAttribute("aria-hidden", "true");
          pool[used].appendChild(document.createElement("bdi"));
        }
        var el = pool[used++], name = String(store.d.places[one.i][3]);
        if (el.firstChild.textContent !== name) { el.firstChild.textContent = name; el._w = null; }
        el.setAttribute("data-mg-label", store.id(one.i));
        out.push({el: el, rect: one.rect, w: null, route: false});
      });
    });
    return out;
  }

  function schedule() {
    if (pending) return;
    pending = true;
    L.Util.requestAnimFrame(place);
  }

  // The layer a name stands by: a place's pin, a route's mode icon.
  function anchorOf(id, route) {
    var layers = story.layers(id), want = route ? /\bmg-mode\b/ : /\bmg-pin\b/;
    for (var i = 0; i < layers.length; i++) {
      var l = layers[i], icon = l.options && l.options.icon;
      if (l instanceof L.Marker && icon && want.test(icon.options.className || "")) return l;
    }
    return null;
  }

  story.hooks.push({
    init: function (data, theMap) {
      map = theMap;
      var el = document.getElementById("mg-view");
      var config = el ? JSON.parse(el.textContent) : {};
      pane = map.createPane("mg-labels");
      pane.style.zIndex = 590;  // over the lines and areas, under the markers (600)
      pane.classList.add("mg-labels-pane");
      (config.labels || []).forEach(function (pair) {
        var id = pair[0], f = data.features[id];
        if (!f) return;
        var route = f.kind === "route", layer = anchorOf(id, route);
        if (!layer) return;
        var label = L.DomUtil.create("div", "mg-label leaflet-zoom-hide" + (route ? " mg-label-route" : "") +
          (f.status === "denied" ? " mg-label-denied" : ""), pane);
        label.setAttribute("aria-hidden", "true");  // the marker itself is named
        label.setAttribute("data-mg-label", id);
        label.hidden = true;
        var name = document.createElement("bdi");
        name.textContent = f.name;
        label.appendChild(name);
        items.push({id: id, rank: pair[1], layer: layer, el: label, route: route, box: iconBox(layer)});
      });
      items.sort(function (a, b) { return a.rank - b.rank; });
      map.on("zoomend viewreset moveend resize overlayadd overlayremove", schedule);
      document.addEventListener("mapgen:drawn", schedule);
      document.addEventListener("input", function (e) { if (e.target && e.target.id === "mg-time") schedule(); });
      document.addEventListener("click", function (e) {
        if (e.target && e.target.closest && e.target.closest("#mg-time-all, .leaflet-control-layers, #mg-legend")) schedule();
      });
      place();
    }
  });
  story.placeLabels = place;
})();
