/* mapgen's data layer from the keyboard: the tab stops over its pins and clusters (see
 * datalayer.js, which this file follows in the page, and datalayer.py).  Kept apart from
 * the drawing: it adds its methods to the data layer's store, and the layer's style. */
(function () {
  "use strict";

  var parts = window.mapgenData.parts, Store = parts.Store, esc = parts.esc, bdi = parts.bdi;

  // ------------------------------------------------------------------------ the keyboard
  // As Leaflet's markers are (their `keyboard` option): each pin and cluster drawn in the
  // map's view is a tab stop, a <button> over it named by its place (set as an attribute,
  // never as HTML), which Enter or Space opens as a click on the pin does, or zooms into
  // as a click on the cluster does.  The buttons are a pool placed again after each draw,
  // in reading order (bands of the view, top to bottom, each left to right), so a view is
  // as many tab stops as it shows pins and clusters, up to MAX_KEYS (those nearest the
  // centre): no element is made for a place out of view.  A popup opened from the
  // keyboard takes the focus; Escape closes it and gives the focus back to its pin.
  var MAX_KEYS = 500, BAND = 40;

  Store.prototype._initKeys = function (pane) {
    var box = this._keyBox = L.DomUtil.create("div", "mg-data-keys", pane), self = this;
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Places on the map");
    this._keyButtons = [];
    this._keyUsed = 0;
    this._keyAfter = null;
    this._keyTip = L.tooltip({ direction: "top", offset: [0, -4], className: "mg-key-tip" });
    box.addEventListener("click", function (e) { self._keyClick(e); });
    box.addEventListener("focusin", function (e) { self._keyFocus(e); });
    box.addEventListener("focusout", function () { self._keyTipOff(); });
    this.map.getContainer().addEventListener("keydown", function (e) { self._keyDown(e); });
    this.map.on("popupclose", this._keyPopupClosed, this);
  };

  // The pin or cluster a button stands for: its place, or its cluster's cell.
  function keyOf(it) { return it.i >= 0 ? it.i : it.key; }

  // Place the buttons over what _draw has just drawn in the view.
  Store.prototype._updateKeys = function () {
    var box = this._keyBox, map = this.map, size = map.getSize(), drawn = this.drawn;
    var ox = this._offset[0], oy = this._offset[1], right = ox + size.x, bottom = oy + size.y;
    var active = document.activeElement, had = active && active.parentNode === box ? active._mgItem : null;
    var popup = map._popup, open = popup && map.hasLayer(popup) && popup.mapgenIndex != null ? popup.mapgenIndex : -1;
    var keep = had ? keyOf(had) : null, items = [], j, it, x, y;
    L.DomUtil.setPosition(box, L.DomUtil.getPosition(this.canvas));  // canvas coordinates
    for (j = 0; j < drawn.length; j++) {
      it = drawn[j];
      if (it.i >= 0) { x = it.x + it.w / 2; y = it.y + it.h / 2; } else { x = it.cx; y = it.cy; }
      if (x < ox || y < oy || x >= right || y >= bottom) continue;
      items.push({ it: it, x: x, y: y, d: 0 });
    }
    var shown = items.length;
    if (shown > MAX_KEYS) {
      var mx = ox + size.x / 2, my = oy + size.y / 2;
      items.forEach(function (e) {
        var k = keyOf(e.it);
        e.d = k === keep || k === open ? -1 : (e.x - mx) * (e.x - mx) + (e.y - my) * (e.y - my);
      });
      items.sort(function (a, b) { return a.d - b.d; });
      items.length = MAX_KEYS;
    }
    items.sort(function (a, b) {
      return Math.floor(a.y / BAND) - Math.floor(b.y / BAND) || a.x - b.x || a.y - b.y;
    });
    box.setAttribute("aria-label", shown > MAX_KEYS
      ? "Places on the map: the " + MAX_KEYS + " nearest the centre of " + shown.toLocaleString("en") +
        " in view; zoom in to reach the others"
      : "Places on the map");

    var buttons = this._keyButtons, names = this.d.places, target = null;
    for (j = 0; j < items.length; j++) {
      var b = buttons[j];
      if (!b) {
        b = buttons[j] = document.createElement("button");
        b.type = "button";
        box.appendChild(b);
      }
      it = items[j].it;
      var l = it.i >= 0 ? it.x : it.cx - it.r, t = it.i >= 0 ? it.y : it.cy - it.r;
      var w = it.i >= 0 ? it.w : 2 * it.r, h = it.i >= 0 ? it.h : 2 * it.r;
      // Clipped to the view: a focused element out of the container would scroll it.
      var l2 = Math.max(l, ox), t2 = Math.max(t, oy);
      b.style.left = l2 + "px";
      b.style.top = t2 + "px";
      b.style.width = Math.max(1, Math.min(l + w, right) - l2) + "px";
      b.style.height = Math.max(1, Math.min(t + h, bottom) - t2) + "px";
      var label = it.i >= 0 ? String(names[it.i][3]) : "Cluster of " + it.n.toLocaleString("en") + " places";
      if (b._mgLabel !== label) { b.setAttribute("aria-label", label); b._mgLabel = label; }
      var cls = it.i >= 0 ? "mg-key" : "mg-key mg-key-cluster";
      if (b.className !== cls) b.className = cls;
      b._mgItem = it;
      b.hidden = false;
      if (had && keyOf(it) === keep) target = b;
    }
    for (; j < this._keyUsed; j++) { buttons[j].hidden = true; buttons[j]._mgItem = null; }
    this._keyUsed = items.length;

    // The focus stays with its pin or cluster; after a cluster's zoom it goes to the first
    // of the places that were in it, else to the map.
    var after = this._keyAfter;
    if (after && map.getZoom() !== after.z) {
      this._keyAfter = null;
      if (had && keyOf(had) === after.key) target = this._keyInside(after.b) || buttons[0] || null;
    }
    if (!had) return;
    if (!target || !items.length) { map.getContainer().focus({ preventScroll: true }); return; }
    if (target === active && keyOf(had) === keyOf(target._mgItem)) return;
    if (target === active) active.blur();  // the same button for another place: say so
    target.focus({ preventScroll: true });
  };

  // The first button (in reading order) of a pin or cluster inside the bounds b.
  Store.prototype._keyInside = function (b) {
    var buttons = this._keyButtons, xs = this.x, ys = this.y;
    for (var j = 0; j < this._keyUsed; j++) {
      var it = buttons[j]._mgItem;
      if (it.i >= 0 ? xs[it.i] >= b[0] && xs[it.i] <= b[2] && ys[it.i] >= b[1] && ys[it.i] <= b[3]
        : it.b[0] <= b[2] && it.b[2] >= b[0] && it.b[1] <= b[3] && it.b[3] >= b[1]) return buttons[j];
    }
    return null;
  };

  Store.prototype._keyClick = function (e) {
    var b = e.target, it = b && b._mgItem;
    if (!it || b.parentNode !== this._keyBox) return;
    e.stopPropagation();  // not a click on the map, which would close the popup
    e.preventDefault();
    if (it.i < 0) {
      this._keyAfter = { key: it.key, b: it.b, z: this.map.getZoom() };
      this._zoomTo(it);
      return;
    }
    var popup = this.open(it.i), el = popup.getElement();
    popup.mapgenKeyboard = true;
    if (!el) return;
    el.setAttribute("role", "dialog");
    el.setAttribute("aria-label", String(this.d.places[it.i][3]));
    el.tabIndex = -1;
    el.focus({ preventScroll: true });
  };

  // Escape, on a pin or in its popup: the popup closes and the pin has the focus.
  // The arrow keys pan and + and - zoom from a pin as from the map itself (Leaflet's own
  // keyboard handler listens only while the map's container has the focus).
  var PAN_KEYS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  var ZOOM_KEYS = { "+": 1, "=": 1, "-": -1, "_": -1 };

  Store.prototype._keyDown = function (e) {
    var t = e.target;
    if (t && t.parentNode === this._keyBox && !(e.altKey || e.ctrlKey || e.metaKey)) {
      var pan = PAN_KEYS[e.key], zoom = ZOOM_KEYS[e.key], m = this.map;
      if (pan || zoom) {
        e.preventDefault();
        var times = e.shiftKey ? 3 : 1;
        if (pan) {
          var step = (m.options.keyboardPanDelta || 80) * times;
          m.panBy([pan[0] * step, pan[1] * step]);
        } else {
          m.setZoom(m.getZoom() + zoom * times);
        }
        return;
      }
    }
    if (e.key !== "Escape" && e.key !== "Esc") return;
    var map = this.map, popup = map._popup;
    if (!popup || popup.mapgenIndex == null || !map.hasLayer(popup) || popup.options.closeOnEscapeKey === false) return;
    var el = popup.getElement();
    if (!(el && el.contains(t)) && !(t && t.parentNode === this._keyBox)) return;
    e.preventDefault();
    e.stopPropagation();
    popup.mapgenKeyboard = false;
    map.closePopup(popup);
    this._focusPlace(popup.mapgenIndex);
  };

  // A popup opened from the keyboard that closes with the focus in it (its close button,
  // the time control hiding its place) gives the focus back to its pin.
  Store.prototype._keyPopupClosed = function (e) {
    var popup = e.popup, el = popup && popup.getElement(), a = document.activeElement;
    if (!popup || !popup.mapgenKeyboard) return;
    popup.mapgenKeyboard = false;
    if (a && a !== document.body && !(el && el.contains(a))) return;
    this._focusPlace(popup.mapgenIndex);
  };

  Store.prototype._focusPlace = function (i) {
    var buttons = this._keyButtons;
    for (var j = 0; j < this._keyUsed; j++) {
      if (buttons[j]._mgItem.i === i) { buttons[j].focus({ preventScroll: true }); return true; }
    }
    this.map.getContainer().focus({ preventScroll: true });
    return false;
  };

  // A focused pin or cluster shows its name, as one under the mouse does.
  Store.prototype._keyFocus = function (e) {
    var container = this.map.getContainer(), b = e.target, it = b && b._mgItem;
    if (container.scrollTop || container.scrollLeft) { container.scrollTop = 0; container.scrollLeft = 0; }
    if (!it) return;
    this._hoverOff();
    var ox = this._offset[0], oy = this._offset[1];
    var at = it.i >= 0 ? [it.x + it.w / 2 - ox, it.y - oy] : [it.cx - ox, it.cy - it.r - oy];
    this._keyTip.setContent(it.i >= 0 ? bdi(this.d.places[it.i][3])
      : esc(it.n.toLocaleString("en") + " places: press Enter to zoom in"));
    this._keyTip.setLatLng(this.map.containerPointToLatLng(at));
    if (!this.map.hasLayer(this._keyTip)) this.map.openTooltip(this._keyTip);
    var tip = this._keyTip.getElement();
    if (tip) tip.setAttribute("aria-hidden", "true");  // the button's name says it already
  };

  Store.prototype._keyTipOff = function () {
    if (this._keyTip && this.map.hasLayer(this._keyTip)) this.map.closeTooltip(this._keyTip);
  };

  // For tests: the places and clusters the keyboard reaches now, in tab order.
  Store.prototype.keys = function () {
    var out = [];
    for (var j = 0; j < this._keyUsed; j++) {
      var b = this._keyButtons[j], it = b._mgItem;
      out.push({ i: it.i, n: it.i >= 0 ? 1 : it.n, name: b.getAttribute("aria-label") });
    }
    return out;
  };

  var style = document.createElement("style");
  style.textContent = ".leaflet-container.mg-data-hover { cursor: pointer; }\n" +
    ".mg-data-keys { position: absolute; left: 0; top: 0; pointer-events: none; }\n" +
    ".mg-data-keys .mg-key { position: absolute; margin: 0; padding: 0; border: 0; border-radius: 4px;\n" +
    "  background: transparent; pointer-events: none; }\n" +
    ".mg-data-keys .mg-key-cluster { border-radius: 50%; }\n" +
    ".mg-data-keys .mg-key[hidden] { display: none; }\n" +
    ".mg-data-keys .mg-key:focus { outline: 2px solid transparent;\n" +  // seen in forced colours
    "  box-shadow: 0 0 0 2px #fff, 0 0 0 5px #0b57d0, 0 0 0 7px #fff; }";
  document.head.appendChild(style);
})();
