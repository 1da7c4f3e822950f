/* Tavolo metropolitano: the dashboard's map. Pointing at a zone or reaching it with the Tab key
   writes its name and figure (the zone's accessible name) in the box under the map. The box is
   hidden until this script shows it; without JavaScript each municipality's tooltip still says
   its name and zone, and the table under the map holds every figure. */
(function () {
  "use strict";
  var info = document.getElementById("map-info");
  if (!info) {
    return;
  }
  var fallback = info.getAttribute("data-default");
  info.textContent = fallback;
  info.hidden = false;
  var focused = null;
  function show(zone) {
    info.textContent = zone ? zone.getAttribute("aria-label") : fallback;
  }
  document.querySelectorAll(".map-zone").forEach(function (zone) {
    zone.addEventListener("mouseenter", function () { show(zone); });
    zone.addEventListener("mouseleave", function () { show(focused); });
    zone.addEventListener("focus", function () { focused = zone; show(zone); });
    zone.addEventListener("blur", function () { focused = null; show(null); });
  });
})();
