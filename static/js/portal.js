/* Tavolo metropolitano: tell the user when an in-place (htmx) action fails.
   htmx swaps nothing on a 4xx/5xx answer or a network error; without this the button would
   seem to do nothing. */
(function () {
  "use strict";
  function showError() {
    var region = document.getElementById("htmx-error");
    if (!region) {
      return;
    }
    region.textContent = region.getAttribute("data-message");
    region.hidden = false;
    region.focus();
  }
  document.addEventListener("htmx:responseError", showError);
  document.addEventListener("htmx:sendError", showError);
  document.addEventListener("htmx:beforeRequest", function () {
    var region = document.getElementById("htmx-error");
    if (region) {
      region.hidden = true;
    }
  });
})();
