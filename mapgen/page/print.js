// The page printed: print.css lays it out; this opens the legend (a folded <details>
// prints folded), closes any popup, and tells Leaflet the map's new size, keeping its
// centre, so that the printed map is drawn to its printed box; a resize event then lets
// view.js frame the story again if the reader has not moved the map. Back on screen, the
// map takes its size again.
(function () {
  "use strict";
  var story = window.mapgenStory = window.mapgenStory || {};
  var legend = null;
  var wasOpen = true;

  function toPrint() {
    legend = document.getElementById("mg-legend");
    if (legend) {
      wasOpen = legend.open;
      legend.open = true;
    }
    if (story.map) {
      story.map.closePopup();
      story.map.invalidateSize({ animate: false });
    }
    window.dispatchEvent(new Event("resize"));
  }

  function toScreen() {
    if (legend && !wasOpen) legend.open = false;
    if (story.map) story.map.invalidateSize({ animate: false });
    window.dispatchEvent(new Event("resize"));
  }

  window.addEventListener("beforeprint", toPrint);
  window.addEventListener("afterprint", toScreen);
  if (window.matchMedia) {
    var media = window.matchMedia("print");
    var changed = function (event) { (event.matches ? toPrint : toScreen)(); };
    if (media.addEventListener) media.addEventListener("change", changed);
    else if (media.addListener) media.addListener(changed);
  }
})();
