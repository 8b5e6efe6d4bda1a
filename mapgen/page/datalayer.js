/* mapgen's data layer: a big story's places drawn on one canvas, clustered where they
 * crowd, each popup built from the place's data when it is opened (see datalayer.py).
 *
 * mapgenData(map, id) reads the JSON block with that id and returns a store; its
 * layer(k) is the layer control's entry for kind k.  All text from the story is escaped
 * by esc() before it becomes HTML: the same rules as mapgen.render.text. */
(function () {
  "use strict";

  var ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "{": "&#123;", "}": "&#125;" };
  function esc(s) {
    return String(s).replace(/[&<>"'{}]/g, function (c) { return ESC[c]; });
  }
  // A name alone, isolated: as mapgen.markup.isolated.
  function bdi(s) { return "<bdi>" + esc(s) + "</bdi>"; }
  // A piece of the popup template (mapgen.page.popup): [text, name, text, ...], each name's
  // value escaped unless the template names it raw (ready-made HTML, and numbers).
  var RAW = {};
  function fill(unit, values) {
    var out = unit[0];
    for (var i = 1; i < unit.length; i += 2) {
      var f = unit[i];
      out += (RAW[f] ? values[f] : esc(values[f])) + unit[i + 1];
    }
    return out;
  }
  // Python's str.split() white space, to give a passage's words as mapgen does.
  var WS = /[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
  function words(s) { return s.split(WS).filter(Boolean).join(" "); }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function distinct(list) {
    var seen = {}, n = 0;
    list.forEach(function (q) { if (!seen[q.source]) { seen[q.source] = 1; n++; } });
    return n;
  }
  // mapgen.evidence.support_line
  function supportLine(quotes) {
    var claims = quotes.filter(function (q) { return !q.denies; });
    var denials = quotes.filter(function (q) { return q.denies; });
    var parts = [];
    if (claims.length) {
      var n = distinct(claims), line = "Supported by " + plural(n, "source");
      if (claims.length > n) line += " (" + claims.length + " passages)";
      parts.push(line);
    }
    if (denials.length) parts.push("a denial quoted in " + plural(distinct(denials), "source"));
    var text = parts.join("; ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }
  function fixed(x) { return Math.abs(x).toFixed(4); }
  function coords(lat, lon) {
    return fixed(lat) + "\u00b0 " + (lat >= 0 ? "N" : "S") + ", " + fixed(lon) + "\u00b0 " + (lon >= 0 ? "E" : "W");
  }
  function short(n) {
    if (n < 1000) return String(n);
    if (n < 10000) return (Math.floor(n / 100) / 10) + "k";
    return Math.floor(n / 1000) + "k";
  }

  // Leaflet's spherical Mercator, in [0, 1] world units (EPSG:3857 as L.CRS.EPSG3857).
  var MAXLAT = 85.0511287798, D = Math.PI / 180;
  function mercX(lon) { return lon / 360 + 0.5; }
  function mercY(lat) {
    var s = Math.sin(Math.max(Math.min(MAXLAT, lat), -MAXLAT) * D);
    return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }

  function Store(map, data) {
    var n = data.places.length, i, row;
    this.map = map;
    this.d = data;
    this.n = n;
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.style = new Uint16Array(n);
    this.kind = new Uint16Array(n);
    for (i = 0; i < n; i++) {
      row = data.places[i];
      this.x[i] = mercX(row[1]);
      this.y[i] = mercY(row[0]);
      this.style[i] = data.looks[row[4]][0];
      this.kind[i] = data.styles[this.style[i]].kind;
    }
    this.on = new Uint8Array(data.kinds.length);
    // The time control (mapgen.timeline): places first known after its day are hidden.
    this.since = data.since ? Uint16Array.from(data.since) : null;
    this.until = Infinity;
    this.drawn = [];
    this.draws = 0;
    this.ready = false;
    this._sprites = [];
    this._tooltip = L.tooltip(data.tooltip);
    this._hover = -1;
    this._down = null;
    this._pending = false;
    var pane = map.getPane("mg-data") || map.createPane("mg-data");
    pane.style.zIndex = 600;          // with Leaflet's markers
    pane.style.pointerEvents = "none"; // clicks are read on the map's container
    this.canvas = L.DomUtil.create("canvas", "mg-data-canvas", pane);
    this.canvas.style.pointerEvents = "none";
    this._initKeys(pane);
    map.on("moveend zoomend viewreset resize", this.redraw, this);
    var container = map.getContainer(), self = this;
    container.addEventListener("mousedown", function (e) { self._down = [e.clientX, e.clientY]; }, true);
    container.addEventListener("click", function (e) { self._click(e); }, true);
    container.addEventListener("mousemove", function (e) { self._move(e); }, true);
    container.addEventListener("mouseleave", function () { self._hoverOff(); }, true);
    this._loadSprites();
    this._legend();
    this._watchTime();
    (window.mapgenStores = window.mapgenStores || []).push(this);
  }

  Store.prototype._loadSprites = function () {
    var self = this, styles = this.d.styles, left = styles.length, dpr = window.devicePixelRatio || 1;
    if (!left) { this.ready = true; this.redraw(); return; }
    styles.forEach(function (style, k) {
      var img = new Image(), size = style.size;
      img.onload = img.onerror = function () {
        var c = document.createElement("canvas");
        c.width = Math.ceil(size[0] * dpr);
        c.height = Math.ceil(size[1] * dpr);
        c.getContext("2d").drawImage(img, 0, 0, c.width, c.height);
        self._sprites[k] = c;
        if (--left === 0) { self.ready = true; self.redraw(); }
      };
      img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(style.pin);
    });
  };

  // Follow the time control: its label changes whenever its day does.
  Store.prototype._watchTime = function () {
    var label = document.getElementById("mg-time-label"), self = this;
    if (!label || !this.since || !window.MutationObserver) return;
    var days = this.d.days;
    function update() {
      var day = window.mapgenTimeline && window.mapgenTimeline.date();
      var until = Infinity;
      if (day) { until = 0; while (until < days.length && days[until] <= day) until++; }
      if (until !== self.until) {
        self.until = until;
        var open = self.map._popup;
        if (open && open.mapgenIndex != null && !self.visible(open.mapgenIndex)) self.map.closePopup();
        self.redraw();
      }
    }
    new MutationObserver(update).observe(label, { childList: true, characterData: true, subtree: true });
    setTimeout(update, 0);
  };

  // Whether place i is drawn: its kind is on, and the time control's day is not before it.
  Store.prototype.visible = function (i) {
    return !!this.on[this.kind[i]] && !(this.since && this.since[i] > this.until);
  };

  Store.prototype._legend = function () {
    var list = document.querySelector("#mg-legend ul");
    if (!list || list.querySelector(".mg-cluster-key")) return;
    var li = document.createElement("li");
    li.className = "mg-cluster-key";
    li.innerHTML = '<span class="mg-key"><svg width="22" height="22"><circle cx="11" cy="11" r="9" fill="' +
      this.d.cluster.mixed + '" fill-opacity="0.85" stroke="#fff" stroke-width="2"/><text x="11" y="15"' +
      ' text-anchor="middle" font-size="10" font-weight="bold" fill="#fff">9</text></svg></span>' +
      "Places close together: click to zoom in";
    list.appendChild(li);
  };

  Store.prototype.layer = function (k) {
    var store = this;
    var Kind = L.Layer.extend({
      onAdd: function () { store.show(k, true); return this; },
      onRemove: function () { store.show(k, false); return this; }
    });
    return new Kind();
  };

  Store.prototype.show = function (k, on) {
    this.on[k] = on ? 1 : 0;
    this._hoverOff();
    this.redraw();
  };

  Store.prototype.redraw = function () {
    if (!this.ready || this._pending) return;
    var self = this;
    if (this.draws === 0) { this._draw(); return; }  // the first frame as soon as possible
    this._pending = true;
    L.Util.requestAnimFrame(function () { self._pending = false; self._draw(); });
  };

  Store.prototype._draw = function () {
    var map = this.map, size = map.getSize(), pad = 0.25;
    var dx = Math.round(size.x * pad), dy = Math.round(size.y * pad);
    var w = size.x + 2 * dx, h = size.y + 2 * dy, dpr = window.devicePixelRatio || 1;
    var topLeft = map.containerPointToLayerPoint([-dx, -dy]).round();
    var canvas = this.canvas;
    L.DomUtil.setPosition(canvas, topLeft);
    canvas.style.width = w + "px";
    canvas.style.height = h + "px";
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    var ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);

    var zoom = map.getZoom(), scale = 256 * Math.pow(2, zoom);
    var origin = map.getPixelOrigin();
    // canvas position of world point (x, y): x * scale - ox
    var ox = origin.x + topLeft.x, oy = origin.y + topLeft.y;
    var cluster = zoom < this.d.cluster.until;
    var grid = this.d.cluster.grid;
    var xs = this.x, ys = this.y, kinds = this.kind, on = this.on, n = this.n;
    var since = this.since, until = this.until;
    var drawn = [], i, px, py;

    if (cluster) {
      // Cells of a fixed grid in world pixels, so that clusters stay put while panning.
      var gx0 = Math.floor(ox / grid), gy0 = Math.floor(oy / grid);
      var cols = Math.ceil(w / grid) + 2, rows = Math.ceil(h / grid) + 2, cells = cols * rows;
      var count = new Int32Array(cells), first = new Int32Array(cells), mixed = new Uint8Array(cells);
      var sx = new Float64Array(cells), sy = new Float64Array(cells);
      var minx = new Float64Array(cells).fill(Infinity), maxx = new Float64Array(cells).fill(-Infinity);
      var miny = new Float64Array(cells).fill(Infinity), maxy = new Float64Array(cells).fill(-Infinity);
      var wx, wy, c;
      for (i = 0; i < n; i++) {
        if (!on[kinds[i]] || (since && since[i] > until)) continue;
        wx = xs[i] * scale; wy = ys[i] * scale;
        px = wx - ox; py = wy - oy;
        if (px < -40 || py < -40 || px > w + 40 || py > h + 40) continue;
        c = (Math.floor(wy / grid) - gy0) * cols + (Math.floor(wx / grid) - gx0);
        if (c < 0 || c >= cells) continue;
        if (count[c] === 0) first[c] = i;
        else if (kinds[first[c]] !== kinds[i]) mixed[c] = 1;
        count[c]++;
        sx[c] += px; sy[c] += py;
        if (xs[i] < minx[c]) minx[c] = xs[i];
        if (xs[i] > maxx[c]) maxx[c] = xs[i];
        if (ys[i] < miny[c]) miny[c] = ys[i];
        if (ys[i] > maxy[c]) maxy[c] = ys[i];
      }
      var pins = [], bubbles = [];
      for (c = 0; c < cells; c++) {
        if (count[c] === 1) {
          i = first[c];
          pins.push(i);
        } else if (count[c] > 1) {
          bubbles.push({ c: c, n: count[c], x: sx[c] / count[c], y: sy[c] / count[c], k: mixed[c] ? -1 : kinds[first[c]],
                         b: [minx[c], miny[c], maxx[c], maxy[c]],
                         key: zoom + ":" + (gx0 + c % cols) + ":" + (gy0 + Math.floor(c / cols)) });
        }
      }
      this._pins(ctx, pins, scale, ox, oy, drawn);
      this._bubbles(ctx, bubbles, drawn);
    } else {
      var visible = [];
      for (i = 0; i < n; i++) {
        if (!on[kinds[i]] || (since && since[i] > until)) continue;
        px = xs[i] * scale - ox; py = ys[i] * scale - oy;
        if (px < -40 || py < -40 || px > w + 40 || py > h + 40) continue;
        visible.push(i);
      }
      this._pins(ctx, visible, scale, ox, oy, drawn);
    }
    this.drawn = drawn;
    this._offset = [dx, dy];
    this._updateKeys();
    this.draws++;
    if (this.draws === 1) {
      window.mapgenDrawn = (window.mapgenDrawn || 0) + 1;
      document.dispatchEvent(new CustomEvent("mapgen:drawn"));
    }
  };

  // Pins, southern ones drawn last (on top), as Leaflet stacks markers.
  Store.prototype._pins = function (ctx, list, scale, ox, oy, drawn) {
    var ys = this.y, xs = this.x, style = this.style, sprites = this._sprites, styles = this.d.styles;
    list.sort(function (a, b) { return ys[a] - ys[b] || a - b; });
    for (var j = 0; j < list.length; j++) {
      var i = list[j], px = Math.round(xs[i] * scale - ox), py = Math.round(ys[i] * scale - oy);
      var st = styles[style[i]], w = st.size[0], h = st.size[1], ax = st.anchor[0], ay = st.anchor[1];
      ctx.drawImage(sprites[style[i]], px - ax, py - ay, w, h);
      drawn.push({ i: i, x: px - ax, y: py - ay, w: w, h: h });
    }
  };

  Store.prototype._bubbles = function (ctx, list, drawn) {
    var colors = this.d.colors, mixed = this.d.cluster.mixed;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (var j = 0; j < list.length; j++) {
      var b = list[j], r = Math.min(26, 12 + 3.2 * Math.log10(b.n) * 2);
      ctx.beginPath();
      ctx.arc(b.x, b.y, r, 0, 2 * Math.PI);
      ctx.globalAlpha = 0.85;
      ctx.fillStyle = b.k < 0 ? mixed : colors[b.k];
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.lineWidth = 2;
      ctx.strokeStyle = "#ffffff";
      ctx.stroke();
      ctx.fillStyle = "#ffffff";
      ctx.font = "bold " + (r > 18 ? 12 : 11) + "px system-ui, sans-serif";
      ctx.fillText(short(b.n), b.x, b.y);
      drawn.push({ i: -1, n: b.n, cx: b.x, cy: b.y, r: r, b: b.b, key: b.key });
    }
  };

  // What is under a point of the map's container: the top-most pin or cluster, or null.
  Store.prototype.hit = function (cx, cy) {
    var x = cx + this._offset[0], y = cy + this._offset[1], drawn = this.drawn;
    for (var j = drawn.length - 1; j >= 0; j--) {
      var it = drawn[j];
      if (it.i >= 0) {
        if (x >= it.x && x < it.x + it.w && y >= it.y && y < it.y + it.h) return it;
      } else {
        var ddx = x - it.cx, ddy = y - it.cy;
        if (ddx * ddx + ddy * ddy <= it.r * it.r) return it;
      }
    }
    return null;
  };

  function outside(e) {
    var t = e.target;
    return t && t.closest && t.closest(".leaflet-popup, .leaflet-control, .leaflet-tooltip, .mg-box, .mg-data-keys");
  }

  Store.prototype._point = function (e) {
    var rect = this.map.getContainer().getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top];
  };

  Store.prototype._click = function (e) {
    if (!this.draws || outside(e)) return;
    var down = this._down;
    if (down && Math.abs(down[0] - e.clientX) + Math.abs(down[1] - e.clientY) > 4) return;  // a drag
    var p = this._point(e), it = this.hit(p[0], p[1]);
    if (!it) return;
    e.stopPropagation();
    e.preventDefault();
    if (it.i >= 0) this.open(it.i);
    else this._zoomTo(it);
  };

  Store.prototype._zoomTo = function (it) {
    var map = this.map, b = it.b, crs = function (x, y) {
      return L.latLng(Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) / D, (x - 0.5) * 360);
    };
    var bounds = L.latLngBounds(crs(b[0], b[3]), crs(b[2], b[1]));
    var zoom = Math.min(map.getBoundsZoom(bounds.pad(0.2)), this.d.cluster.until);
    if (zoom <= map.getZoom()) zoom = Math.min(map.getZoom() + 2, this.d.cluster.until);
    map.setView(bounds.getCenter(), zoom);
  };

  Store.prototype._move = function (e) {
    if (!this.draws) return;
    if (outside(e)) { this._hoverOff(); return; }
    var p = this._point(e), it = this.hit(p[0], p[1]);
    var container = this.map.getContainer();
    if (!it) { this._hoverOff(); return; }
    container.classList.add("mg-data-hover");
    var latlng = this.map.containerPointToLatLng(p);
    var key = it.i >= 0 ? it.i : -1 - Math.round(it.cx) * 100000 - Math.round(it.cy);
    if (key !== this._hover) {
      this._hover = key;
      var html = it.i >= 0 ? bdi(this.d.places[it.i][3]) : esc(it.n.toLocaleString("en") + " places: click to zoom in");
      this._tooltip.setContent(html);
    }
    this._tooltip.setLatLng(latlng);
    if (!this.map.hasLayer(this._tooltip)) this.map.openTooltip(this._tooltip);
  };

  Store.prototype._hoverOff = function () {
    this._hover = -1;
    this.map.getContainer().classList.remove("mg-data-hover");
    if (this._tooltip && this.map.hasLayer(this._tooltip)) this.map.closeTooltip(this._tooltip);
  };

  // The id of place i: as written, or a bulk file's numbered id (idPrefix + number; 0 for
  // the number i + idBase).
  Store.prototype.id = function (i) {
    var id = this.d.places[i][2];
    return typeof id === "number" ? this.d.idPrefix + (id === 0 ? i + this.d.idBase : id) : id;
  };

  // The quotes of place i: {source, words, denies, passage: [source, start, end, stance]}.
  // A passage is [source, start, length(, flags)] in the article (UTF-16), written
  // in the row, or the index of one in the table (quoted by more than one place); a row's
  // only passage is written flat, its source as -1 - source.
  Store.prototype.quotes = function (i) {
    var d = this.d, q = d.places[i][5], texts = this._texts();
    if (typeof q === "number") q = [q];
    else if (typeof q[0] === "number" && q[0] < 0) q = [[-1 - q[0]].concat(q.slice(1))];  // one, in the row
    return q.map(function (k) {
      var p = typeof k === "number" ? d.passages[k] : k, text = texts[p[0]];
      // flags: 1 if it denies, 2 and 4 if its sentence goes on before and after it
      var found = p[1] >= 0, end = p[1] + p[2], flags = p[3] | 0, denies = (flags & 1) === 1;
      var said = found && text != null ? words(text.slice(p[1], end)) : p[4];
      if (found) said = (flags & 2 ? "\u2026" : "") + said + (flags & 4 ? "\u2026" : "");
      return {
        source: p[0],
        words: said,
        cite: d.sources[p[0]],
        denies: denies,
        passage: [p[0], p[1], end, denies ? "denies" : "claims"]
      };
    });
  };

  // The articles' text, as the reader panel has them (mapgen.evidence).
  Store.prototype._texts = function () {
    var data = window.mapgenStory && window.mapgenStory.data;
    if (!data) return [];
    return data.sources.map(function (s) { return s.text; });
  };

  // The popup of place i, as its marker's popup is (mapgen.page.popup.render): the same
  // template, its slots in order, filled now from the place's data.  A text slot shows
  // the place's name (the title) or the next of the values at the end of its row.
  Store.prototype.popupHtml = function (i) {
    var d = this.d, t = d.tpl, row = d.places[i], look = d.looks[row[4]], status = d.styles[look[0]].status;
    var id = this.id(i), quotes = this.quotes(i), html = fill(t.open, { id: id }), shown = 6, self = this;
    t.slots.forEach(function (slot) {
      var name = slot[0], kind = slot[1], unit = slot[3];
      if (kind === "status") {
        if (status !== "reported") html += fill(unit, { status: d.statusHtml[status] });
      } else if (kind === "lines") {
        d.metas[look[1]].forEach(function (m) {
          html += fill(unit, { value: m < 0 ? (d.fmt[i] || coords(row[0], row[1])) : d.lines[m] });
        });
      } else if (kind === "quotes") {
        if (quotes.length) html += fill(unit, { support: supportLine(quotes) });
        html += self._quotesHtml(id, quotes);
      } else {
        var value = name === "title" ? row[3] : row[shown++];
        if (value || slot[2]) html += fill(unit, { value: value == null ? "" : value });
      }
    });
    return html + t.close;
  };

  // mapgen.page.popup.quotes_html: each quote a link to its passage; claims beside denials.
  Store.prototype._quotesHtml = function (id, quotes) {
    var t = this.d.tpl, claims = "", denials = "", all = "";
    quotes.forEach(function (q, n) {
      var one = fill(t.quote, { id: id, index: n, words: q.words, cite: q.cite });
      all += one;
      if (q.denies) denials += one; else claims += one;
    });
    return claims && denials ? fill(t.sides, { claims: claims, denials: denials }) : all;
  };

  Store.prototype.open = function (i) {
    this._hoverOff();
    var row = this.d.places[i], html = this.popupHtml(i);
    this._evidence(i, html);
    // The reader's popup options when it has them: it pads popups clear of the title, the
    // legend and the panel as they stand now, as markers' popups are padded.
    var story = window.mapgenStory && window.mapgenStory.data;
    var options = L.extend({}, this.d.popup, (story && story.popup) || {});
    var popup = L.popup(options).setLatLng([row[0], row[1]]).setContent(html);
    popup.mapgenIndex = i;
    this.map.openPopup(popup);
    return popup;
  };

  // The reader panel finds a feature's passages in mapgenStory.data.features: a place of
  // the data layer is put there when its popup is built, so that its quotes open the
  // article at their passage, and "Show on the map" comes back to it.
  Store.prototype._evidence = function (i, html) {
    var data = window.mapgenStory && window.mapgenStory.data;
    if (!data || !data.features) return;
    var row = this.d.places[i], style = this.d.styles[this.style[i]];
    data.features[this.id(i)] = {
      name: row[3],
      kind: "place",
      status: style.status,
      passages: this.quotes(i).filter(function (q) { return q.passage[1] >= 0; }).map(function (q) { return q.passage; }),
      at: [Math.round(row[0] * 1e5) / 1e5, Math.round(row[1] * 1e5) / 1e5],
      popup: html
    };
  };

  // The place with this id (for the reader, the timeline, tests), or -1.
  Store.prototype.find = function (id) {
    if (!this._ids) {
      this._ids = {};
      for (var i = 0; i < this.n; i++) this._ids[this.id(i)] = i;
    }
    return id in this._ids ? this._ids[id] : -1;
  };

  // For tests and the reader: how many pins of each kind are drawn now, and where.
  Store.prototype.drawnPins = function () {
    var out = [];
    for (var j = 0; j < this.drawn.length; j++) if (this.drawn[j].i >= 0) out.push(this.drawn[j].i);
    return out;
  };

  window.mapgenData = function (map, id) {
    var el = document.getElementById(id);
    var data = JSON.parse(el.textContent);
    el.textContent = "";  // the parsed data is all the page keeps
    data.tpl.raw.forEach(function (name) { RAW[name] = true; });
    return new Store(map, data);
  };
  // For the keyboard's part (datakeys.js, inlined after this file).
  window.mapgenData.parts = { Store: Store, esc: esc, bdi: bdi };
})();
