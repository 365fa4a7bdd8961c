// Midtrans payment page: copy the VA number with one tap, and poll our own status endpoint so the page
// moves on by itself when the payment lands (no gateway script). The page's countdown.js shows the time left.
(function () {
  "use strict";
  var section = document.querySelector("[data-midtrans-status-url]");
  if (!section) { return; }
  var POLL_MS = 3000;
  var statusUrl = section.getAttribute("data-midtrans-status-url");
  var live = section.querySelector("[data-midtrans-live]");
  var paidBox = section.querySelector("[data-midtrans-paid]");
  var finished = false;

  function poll() {
    if (finished) { return; }
    fetch(statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (body && body.paid) {
          finished = true;
          paidBox.textContent = section.getAttribute("data-msg-paid");
          paidBox.hidden = false;
          if (live) { live.hidden = true; }
          window.setTimeout(function () { window.location.assign(body.next_url); }, 1200);
          return;
        }
        if (body && body.closed) {
          finished = true;
          window.location.reload();
          return;
        }
        window.setTimeout(poll, POLL_MS);
      })
      .catch(function () { window.setTimeout(poll, POLL_MS * 2); });
  }

  section.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (!button || !navigator.clipboard) { return; }
    navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
      var label = button.textContent;
      button.textContent = button.getAttribute("data-copied") || label;
      window.setTimeout(function () { button.textContent = label; }, 2000);
    });
  });

  window.setTimeout(poll, POLL_MS);
})();
