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
