// The first view (mapgen.page.firstview): frame where the story happens in the part of
// the map that no control covers, measured now, whatever the layout; then a locator inset
// (a small world map with the view's box and the places left outside) and those places
// listed in the legend.
(function () {
  "use strict";
  var story = window.mapgenStory = window.mapgenStory || {};
  story.hooks = story.hooks || [];
  // Room kept around the framed points inside the free part of the map: a pin stands
  // 38 px above its point, pins that share a spot spread about 30 px around it, and its
  // name sits beside it.
  var PAD = {top: 74, right: 48, bottom: 34, left: 48};
  // What covers the map: the page's boxes, Leaflet's controls, and anything else that
  // says so (data-mg-control).
  var COVERS = ".mg-box, .leaflet-control, [data-mg-control]";
  var SVG = "http://www.w3.org/2000/svg";
  var INSET = {w: 150, h: 76, north: 84, south: -60};
  var config = null, map = null, moved = false, fitting = false, inset = null;

  function shown(el) {
    if (!el.getClientRects().length) return false;
    var s = getComputedStyle(el);
    return s.visibility !== "hidden" && s.display !== "none" && +s.opacity > 0;
  }

  // The rectangles that cover the map now, in the map's container coordinates.
  function covers(skip) {
    var c = map.getContainer().getBoundingClientRect(), out = [];
    var els = document.querySelectorAll(COVERS);
    for (var i = 0; i < els.length; i++) {
      if (skip && (els[i] === skip || skip.contains(els[i]) || els[i].contains(skip))) continue;
      if (!shown(els[i])) continue;
      var r = els[i].getBoundingClientRect();
      var box = {l: r.left - c.left, t: r.top - c.top, r: r.right - c.left, b: r.bottom - c.top};
      if (box.r > 0 && box.b > 0 && box.l < c.width && box.t < c.height && box.r > box.l && box.b > box.t) out.push(box);
    }
    return out;
  }

  // The largest rectangle of the map clear of every cover, for a box of aspect dx:dy:
  // the one in which it can be drawn biggest (then the larger).  Its edges are the map's
  // or a cover's, so trying each combination finds it.
  function freeRect(dx, dy) {
    var size = map.getSize(), boxes = covers();
    var ls = [0], rs = [size.x], ts = [0], bs = [size.y];
    boxes.forEach(function (b) { ls.push(b.r); rs.push(b.l); ts.push(b.b); bs.push(b.t); });
    var best = null, bestScore = -1, bestArea = -1;
    for (var a = 0; a < ls.length; a++) for (var z = 0; z < rs.length; z++) {
      var l = ls[a], r = rs[z];
      if (r - l < 40) continue;
      for (var t = 0; t < ts.length; t++) for (var u = 0; u < bs.length; u++) {
        var top = ts[t], bottom = bs[u];
        if (bottom - top < 40) continue;
        var clear = true;
        for (var k = 0; k < boxes.length && clear; k++) {
          var b = boxes[k];
          if (b.l < r - 0.5 && b.r > l + 0.5 && b.t < bottom - 0.5 && b.b > top + 0.5) clear = false;
        }
        if (!clear) continue;
        var w = r - l - PAD.left - PAD.right, h = bottom - top - PAD.top - PAD.bottom;
        var score = Math.min(w / Math.max(dx, 1), h / Math.max(dy, 1)), area = (r - l) * (bottom - top);
        if (score > bestScore + 1e-9 || (Math.abs(score - bestScore) <= 1e-9 && area > bestArea)) {
          best = {l: l, t: top, r: r, b: bottom}; bestScore = score; bestArea = area;
        }
      }
    }
    return best || {l: 0, t: 0, r: size.x, b: size.y};
  }

  function projectedSize(bounds) {
    var sw = map.project(bounds.getSouthWest(), 0), ne = map.project(bounds.getNorthEast(), 0);
    return [Math.abs(ne.x - sw.x), Math.abs(sw.y - ne.y)];
  }

  // Frame the story: once at first, again after a resize until the reader moves the map.
  function frame() {
    var size = map.getSize();
    fitting = true;
    try {
      if (config.bounds) {
        var bounds = L.latLngBounds(config.bounds), d = projectedSize(bounds), f = freeRect(d[0], d[1]);
        var tl = [f.l + PAD.left, f.t + PAD.top], br = [size.x - f.r + PAD.right, size.y - f.b + PAD.bottom];
        if (size.x - tl[0] - br[0] < 40 || size.y - tl[1] - br[1] < 40) { tl = [f.l, f.t]; br = [size.x - f.r, size.y - f.b]; }
        map.fitBounds(bounds, {paddingTopLeft: tl, paddingBottomRight: br, maxZoom: config.maxZoom, animate: false});
        story.free = f;
      } else if (config.center) {
        var g = freeRect(1, 1);
        map.setView(config.center, config.zoom, {animate: false});
        map.panBy([size.x / 2 - (g.l + g.r) / 2, size.y / 2 - (g.t + g.b) / 2], {animate: false});
        story.free = g;
      }
    } finally {
      fitting = false;
    }
  }

  // Places that did not make it into the clear part of the first view.
  function outside() {
    var f = story.free, out = [];
    (config.outside || []).forEach(function (p) {
      var pt = map.latLngToContainerPoint([p[2], p[3]]);
      if (!f || pt.x < f.l || pt.x > f.r || pt.y < f.t || pt.y > f.b) out.push(p);
    });
    return out;
  }

  function svg(tag, attrs) {
    var el = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    return el;
  }
  function ix(lon) { return ((((lon + 180) % 360) + 360) % 360) / 360 * INSET.w; }
  function iy(lat) {
    var v = Math.max(INSET.south, Math.min(INSET.north, lat));
    return (INSET.north - v) / (INSET.north - INSET.south) * INSET.h;
  }

  // The land of the page's own outline basemap, as one SVG path (no request).
  function landPath() {
    var d = [], layer = null;
    map.eachLayer(function (l) {
      if (!layer && l.options && l.options.pane === "mg-basemap" && l.options.attribution && l.eachLayer) layer = l;
    });
    if (!layer) return "";
    function ring(latlngs) {
      var last = null;
      for (var i = 0; i < latlngs.length; i++) {
        var x = ix(latlngs[i].lng).toFixed(1), y = iy(latlngs[i].lat).toFixed(1), here = x + " " + y;
        if (here === last) continue;
        d.push((last === null ? "M" : "L") + here);
        last = here;
      }
      d.push("Z");
    }
    function walk(list) {
      if (!list.length) return;
      if (list[0] instanceof L.LatLng) ring(list);
      else list.forEach(walk);
    }
    layer.eachLayer(function (l) { if (l.getLatLngs) walk(l.getLatLngs()); });
    return d.join("");
  }

  // The inset, before the first view is framed (it covers part of the map too).
  function makeInset() {
    var Inset = L.Control.extend({
      options: {position: "topleft"},
      onAdd: function () {
        var box = L.DomUtil.create("div", "mg-inset leaflet-control");
        box.setAttribute("role", "img");
        box.setAttribute("aria-label", "Locator map: the view on the world");
        var s = this.svg = svg("svg", {viewBox: "0 0 " + INSET.w + " " + INSET.h, "aria-hidden": "true"});
        s.appendChild(svg("rect", {width: INSET.w, height: INSET.h, "class": "mg-inset-sea"}));
        var land = landPath();
        if (land) s.appendChild(svg("path", {d: land, "class": "mg-inset-land"}));
        this.rect = svg("rect", {"class": "mg-inset-view"});
        this.rect2 = svg("rect", {"class": "mg-inset-view"});
        s.appendChild(this.rect); s.appendChild(this.rect2);
        box.appendChild(s);
        L.DomEvent.disableClickPropagation(box);
        return box;
      }
    });
    inset = new Inset().addTo(map);
    settleInset();
  }

  // The inset goes to the first corner where it covers no other box (under the zoom
  // buttons first: the bottom corners hold the legend, the scale, the panel and the
  // attribution), or where it covers least.  Whether it changed corner.
  function settleInset() {
    var el = inset.getContainer(), corners = map._controlCorners, best = null, least = Infinity;
    var before = el.parentNode;
    var order = ["topleft", "bottomleft", "bottomright", "topright"];
    for (var i = 0; i < order.length && least > 0; i++) {
      var corner = corners[order[i]];
      if (!corner) continue;
      if (order[i].indexOf("bottom") === 0) corner.insertBefore(el, corner.firstChild);
      else corner.appendChild(el);
      var r = el.getBoundingClientRect(), c = map.getContainer().getBoundingClientRect(), area = 0;
      covers(el).forEach(function (b) {
        var w = Math.min(r.right - c.left, b.r) - Math.max(r.left - c.left, b.l);
        var h = Math.min(r.bottom - c.top, b.b) - Math.max(r.top - c.top, b.t);
        if (w > 0 && h > 0) area += w * h;
      });
      if (area < least) { least = area; best = order[i]; }
    }
    if (best && el.parentNode !== corners[best]) {
      if (best.indexOf("bottom") === 0) corners[best].insertBefore(el, corners[best].firstChild);
      else corners[best].appendChild(el);
    }
    return el.parentNode !== before;
  }

  // The places left outside the view, as dots on the inset.
  function dotAway(away) {
    away.forEach(function (p) {
      var dot = svg("circle", {cx: ix(p[3]).toFixed(1), cy: iy(p[2]).toFixed(1), r: 3, "class": "mg-inset-away"});
      var tip = svg("title", {});
      tip.textContent = p[1];
      dot.appendChild(tip);
      inset.svg.appendChild(dot);
    });
    if (away.length) {
      inset.getContainer().setAttribute("aria-label", "Locator map: the view on the world; outside it: " +
        away.map(function (p) { return p[1]; }).join(", "));
    }
    showView();
    map.on("moveend", showView);
  }

  // The view's box on the inset (two boxes where it crosses the antimeridian).
  function showView() {
    if (!inset || !inset.rect) return;
    var b = map.getBounds(), west = b.getWest(), east = b.getEast();
    var y0 = iy(b.getNorth()), y1 = iy(b.getSouth()), h = Math.max(2, y1 - y0);
    var width = Math.max(2, Math.min(INSET.w, (east - west) / 360 * INSET.w));
    var x0 = ix(west);
    [[inset.rect, x0], [inset.rect2, x0 - INSET.w]].forEach(function (pair) {
      var el = pair[0];
      el.setAttribute("x", pair[1].toFixed(1)); el.setAttribute("y", y0.toFixed(1));
      el.setAttribute("width", width.toFixed(1)); el.setAttribute("height", h.toFixed(1));
    });
  }

  // The places left outside, in the legend: each a button that flies there (panel.js
  // handles data-mg-focus anywhere on the page).
  function listAway(away) {
    var legend = document.getElementById("mg-legend");
    if (!away.length) return;
    var head = document.createElement("h3");
    head.textContent = "Outside this view";
    var list = document.createElement("ul");
    list.className = "mg-away";
    away.forEach(function (p) {
      var item = document.createElement("li"), button = document.createElement("button");
      button.type = "button";
      button.className = "mg-away-link";
      button.setAttribute("data-mg-focus", p[0]);
      var name = document.createElement("bdi");
      name.textContent = p[1];
      button.appendChild(name);
      item.appendChild(button);
      list.appendChild(item);
    });
    if (legend) {
      legend.appendChild(head);
      legend.appendChild(list);
    }
  }

  story.hooks.push({
    init: function (data, theMap) {
      map = theMap;
      var el = document.getElementById("mg-view");
      config = el ? JSON.parse(el.textContent) : {};
      makeInset();
      frame();
      var away = outside();
      story.outside = away.map(function (p) { return p[0]; });
      dotAway(away);
      listAway(away);
      if (away.length) frame();  // the list made the legend taller
      map.on("dragstart zoomstart", function () { if (!fitting) moved = true; });
      map.on("popupopen", function () { moved = true; });
      window.addEventListener("resize", function () { settleInset(); if (!moved) frame(); });
      // The other layouts (the phone's sheet and legend, the title's width once its font is
      // in) settle after this hook: place the inset again once they have, and frame again
      // only if it moved (a framing moves the map, which writes the view into the address).
      var again = function () { if (settleInset() && !moved) frame(); };
      setTimeout(again, 0);
      if (document.fonts && document.fonts.ready) document.fonts.ready.then(again);
    }
  });
  story.covers = function () { return map ? covers() : []; };
  // Frame the story again (a layout that changes after the page opens may ask for it).
  story.frame = function () { if (map && config) frame(); };
})();
