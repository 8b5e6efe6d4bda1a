(function () {
  "use strict";
  var story = window.mapgenStory = window.mapgenStory || {};
  story.hooks = story.hooks || [];
  var registry = {}, data = null, map = null, panel = null;
  var state = {feature: null, index: 0, source: null};

  function $(id) { return document.getElementById(id); }
  function make(tag, cls, words) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (words != null) el.textContent = words;
    return el;
  }

  function register(id, layer) {
    (registry[id] = registry[id] || []).push(layer);
  }

  function placePanel() {
    var control = document.querySelector(".leaflet-control-layers");
    var top = 10;
    if (control) top = Math.round(control.getBoundingClientRect().bottom) + 10;
    panel.style.top = top + "px";
    padPopups();
  }

  // Every popup, as it opens, pans the map to keep clear of the title, the legend and the
  // panel as they are now (folded or not, on this screen).
  function padPopups() {
    var w = window.innerWidth;
    var title = $("mg-title"), legend = $("mg-legend");
    var top = title ? Math.round(title.getBoundingClientRect().bottom) + 12 : 20;
    var left = legend ? Math.round(legend.getBoundingClientRect().right) + 12 : 20;
    var edge = panel.getBoundingClientRect().left;
    var control = document.querySelector(".leaflet-control-layers");
    if (control) edge = Math.min(edge, control.getBoundingClientRect().left);
    var right = Math.max(20, Math.round(w - edge) + 12);
    if (left + right + 380 > w) left = 20;  // no room beside the legend: it may overlap
    if (left + right + 380 > w) right = 20;
    var pads = {autoPanPaddingTopLeft: [left, top], autoPanPaddingBottomRight: [right, 30]};
    if (story.pads) pads = story.pads(pads);  // the phone layout's own (phone.js)
    Object.assign(data.popup, pads);
    map.eachLayer(function (layer) {
      var popup = layer.getPopup && layer.getPopup();
      if (popup) Object.assign(popup.options, pads);
    });
  }

  function showTab(name) {
    fold(false);
    var buttons = panel.querySelectorAll("[data-mg-tab]");
    for (var i = 0; i < buttons.length; i++) {
      var key = buttons[i].getAttribute("data-mg-tab");
      var on = key === name;
      buttons[i].setAttribute("aria-selected", on ? "true" : "false");
      $("mg-tab-" + key).hidden = !on;
    }
    story.hooks.forEach(function (h) { if (h.tab) h.tab(name); });
  }

  function fold(folded) {
    var was = panel.classList.contains("mg-folded");
    panel.classList.toggle("mg-folded", folded);
    if (was !== folded) padPopups();
    var button = $("mg-panel-fold");
    button.setAttribute("aria-expanded", folded ? "false" : "true");
    button.textContent = folded ? "+" : "\u2013";
    button.title = folded ? "Open the panel" : "Fold the panel away";
    button.setAttribute("aria-label", button.title);
    story.hooks.forEach(function (h) { if (h.fold) h.fold(folded); });
  }

  // Text [start, end) of the article, with the marks that fall in it.
  function fill(para, words, start, end, marks) {
    var at = start;
    for (var i = 0; i < marks.length; i++) {
      var m = marks[i];
      if (m.b <= at || m.a >= end) continue;
      var a = Math.max(m.a, at), b = Math.min(m.b, end);
      if (a > at) para.appendChild(document.createTextNode(words.slice(at, a)));
      var mark = make("mark", m.cls, words.slice(a, b));
      if (m.n != null) mark.setAttribute("data-mg-n", m.n);
      para.appendChild(mark);
      at = b;
    }
    if (at < end) para.appendChild(document.createTextNode(words.slice(at, end)));
  }

  // The parts of [a, b) that no mark of `kept` (sorted, apart) covers.
  function gaps(a, b, kept) {
    var out = [], at = a;
    for (var i = 0; i < kept.length && at < b; i++) {
      if (kept[i].b <= at || kept[i].a >= b) continue;
      if (kept[i].a > at) out.push([at, kept[i].a]);
      at = Math.max(at, kept[i].b);
    }
    if (at < b) out.push([at, b]);
    return out;
  }

  function showArticle(source, marks, sentence) {
    var body = $("mg-reader-text");
    body.textContent = "";
    marks.sort(function (x, y) { return x.a - y.a || y.b - x.b; });
    var kept = [], until = -1;
    for (var i = 0; i < marks.length; i++) {  // no overlaps: the first (or current) wins
      var m = marks[i];
      if (m.a >= until) { kept.push(m); until = m.b; }
      else if (m.cls === "mg-current") { kept[kept.length - 1] = m; until = m.b; }
    }
    if (sentence) {  // the rest of the current quote's sentence, marked more lightly
      gaps(sentence[0], sentence[1], kept).forEach(function (g) { kept.push({a: g[0], b: g[1], cls: "mg-sentence"}); });
      kept.sort(function (x, y) { return x.a - y.a; });
    }
    var words = source.text, pos = 0, lines = words.split("\n");
    for (var j = 0; j < lines.length; j++) {
      var start = pos, end = pos + lines[j].length;
      pos = end + 1;
      if (!lines[j].trim()) continue;
      var para = make("p");
      para.dir = "auto";  // an article's paragraph takes its own direction
      fill(para, words, start, end, kept);
      body.appendChild(para);
    }
    $("mg-reader-title").textContent = source.title;
    var meta = $("mg-reader-meta");
    meta.textContent = "";
    if (source.outlet) meta.appendChild(make("bdi", null, source.outlet));
    if (source.date) meta.appendChild(document.createTextNode((source.outlet ? " \u00b7 " : "") + source.date));
    if (source.url && /^https?:\/\//i.test(source.url)) {
      var link = make("a", "mg-original", "original");
      link.href = source.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      if (meta.textContent) meta.appendChild(document.createTextNode(" \u00b7 "));
      meta.appendChild(link);
    }
  }

  function scrollToMark() {
    var body = $("mg-reader-text");
    var mark = body.querySelector("mark.mg-current");
    body.scrollTop = mark ? Math.max(0, mark.offsetTop - body.clientHeight / 3) : 0;
  }

  function open(featureId, index) {
    var feature = data.features[featureId];
    if (!feature || !feature.passages.length) return false;
    var n = Math.max(0, Math.min(feature.passages.length - 1, (+index) || 0));
    story.hooks.forEach(function (h) { if (h.read) h.read(featureId, n, null); });  // permalink.js
    state.feature = featureId; state.index = n; state.source = null;
    var here = feature.passages[n], source = data.sources[here[0]];
    var marks = [];
    feature.passages.forEach(function (p, i) {
      if (p[0] === here[0] && p[1] >= 0) marks.push({a: p[1], b: p[2], n: i, cls: i === n ? "mg-current" : "mg-also"});
    });
    // A part of a sentence: the whole sentence, above the article and in it, with the
    // quoted words highlighted.
    var sentence = here.length > 5 ? [here[4], here[5]] : null;
    showArticle(source, marks, sentence);
    var line = $("mg-reader-sentence");
    line.textContent = "";
    line.hidden = !sentence;
    if (sentence) {
      fill(line, source.text, sentence[0], sentence[1], [{a: here[1], b: here[2], cls: "mg-current"}]);
    }
    var denial = here[3] === "denies";
    var said = $("mg-reader-for");  // the name isolated: its bidi controls end with it
    said.textContent = denial ? "A denial of: " : "Evidence for: ";
    said.appendChild(make("bdi", null, feature.name));
    $("mg-reader-pos").textContent = "Passage " + (n + 1) + " of " + feature.passages.length;
    $("mg-reader-pager").hidden = false;
    $("mg-reader-prev").disabled = n === 0;
    $("mg-reader-next").disabled = n === feature.passages.length - 1;
    $("mg-reader-show").hidden = false;
    showTab("reader");
    scrollToMark();
    return true;
  }

  function openSource(sourceId) {
    var k = -1;
    data.sources.forEach(function (s, i) { if (s.id === sourceId) k = i; });
    if (k < 0) return false;
    story.hooks.forEach(function (h) { if (h.read) h.read(null, null, sourceId); });  // permalink.js
    var marks = [];
    Object.keys(data.features).forEach(function (id) {
      data.features[id].passages.forEach(function (p) {
        if (p[0] === k && p[1] >= 0) marks.push({a: p[1], b: p[2], cls: "mg-also"});
      });
    });
    state.feature = null; state.source = sourceId;
    showArticle(data.sources[k], marks, null);
    $("mg-reader-sentence").hidden = true;
    $("mg-reader-for").textContent = "The whole article; the passages the map quotes are marked";
    $("mg-reader-pager").hidden = true;
    $("mg-reader-show").hidden = true;
    showTab("reader");
    $("mg-reader-text").scrollTop = 0;
    return true;
  }

  function anchorOf(id) {
    var f = data.features[id];
    return f && f.feature ? data.features[f.feature] : f;
  }

  function openPopup(id) {
    var f = data.features[id], anchor = anchorOf(id);
    if (!f) return;
    if (f.popup) {
      L.popup(data.popup).setLatLng(anchor.at).setContent(f.popup).openOn(map);
      return;
    }
    var layers = registry[id] || [];
    for (var i = 0; i < layers.length; i++) {
      if (layers[i].getPopup && layers[i].getPopup()) {
        layers[i].openPopup(f.at || undefined);
        return;
      }
    }
  }

  function focus(id) {
    var anchor = anchorOf(id);
    if (!anchor || !anchor.at) return false;
    story.hooks.forEach(function (h) { if (h.reveal) h.reveal(id); });
    map.closePopup();
    var done = false;
    function then() { if (!done) { done = true; openPopup(id); } }
    var fly = {duration: 0.8, paddingTopLeft: [60, 130], paddingBottomRight: [360, 40]};
    if (anchor.bounds) map.flyToBounds(anchor.bounds, Object.assign({maxZoom: 7}, fly));
    else map.flyTo(anchor.at, Math.max(map.getZoom(), 8), fly);
    map.once("moveend", then);
    setTimeout(then, 1500);
    return true;
  }

  function onClick(e) {
    var el = e.target.closest && e.target.closest("[data-mg-quote],[data-mg-source],[data-mg-focus],[data-mg-tab]");
    if (!el) return;
    e.preventDefault();
    if (el.hasAttribute("data-mg-quote")) open(el.getAttribute("data-mg-feature"), el.getAttribute("data-mg-quote"));
    else if (el.hasAttribute("data-mg-source")) openSource(el.getAttribute("data-mg-source"));
    else if (el.hasAttribute("data-mg-focus")) focus(el.getAttribute("data-mg-focus"));
    else showTab(el.getAttribute("data-mg-tab"));
  }

  story.register = register;
  story.layers = function (id) { return registry[id] || []; };
  story.focus = focus;
  story.openPopup = openPopup;  // where the map is already framed (permalink.js)
  story.showTab = showTab;
  story.fold = fold;
  story.padPopups = function () { if (panel) padPopups(); };
  story.init = function (theMap, dataId, layers) {
    map = story.map = theMap;
    data = story.data = JSON.parse($(dataId).textContent);
    Object.keys(layers).forEach(function (id) { layers[id].forEach(function (l) { register(id, l); }); });
    panel = $("mg-panel");
    var legend = $("mg-legend");
    if (legend && (window.innerWidth < 1100 || window.innerHeight < 720)) legend.open = false;
    // A phone: the panel along the bottom, folded at first.  (The first view is framed
    // by view.js, once the layout is settled.)
    if (window.innerWidth <= 760) fold(true);
    if (legend) legend.addEventListener("toggle", padPopups);
    placePanel();
    window.addEventListener("resize", placePanel);
    document.addEventListener("click", onClick, true);
    $("mg-panel-fold").addEventListener("click", function () { fold(!panel.classList.contains("mg-folded")); });
    $("mg-reader-prev").addEventListener("click", function () { open(state.feature, state.index - 1); });
    $("mg-reader-next").addEventListener("click", function () { open(state.feature, state.index + 1); });
    $("mg-reader-show").addEventListener("click", function () { if (state.feature) focus(state.feature); });
    story.hooks.forEach(function (h) { if (h.init) h.init(data, map, story); });
  };
  window.mapgenReader = {
    open: open,
    openSource: openSource,
    next: function () { return open(state.feature, state.index + 1); },
    prev: function () { return open(state.feature, state.index - 1); },
    current: function () { return {feature: state.feature, index: state.index, source: state.source}; }
  };
})();
