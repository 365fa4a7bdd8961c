// Papers (faktur, surat jalan, berita acara): the "Print / Save as PDF" button.
// The button stays hidden without this file; the browser's own print menu still works.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
