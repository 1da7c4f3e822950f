/* Tavolo metropolitano: buttons marked data-print open the browser's print dialogue (no inline
   script: the Content Security Policy forbids it). They are hidden until this script shows them,
   so without JavaScript nobody sees a button that does nothing. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
