// Midtrans payment page: count down to the deadline, copy the VA number with one tap, and poll our own
// status endpoint so the page moves on by itself when the payment lands (no gateway script).
(function () {
  "use strict";
  var section = document.querySelector("[data-midtrans-status-url]");
  if (!section) { return; }
  var POLL_MS = 3000;
  var statusUrl = section.getAttribute("data-midtrans-status-url");
  var live = section.querySelector("[data-midtrans-live]");
  var paidBox = section.querySelector("[data-midtrans-paid]");
  var countdown = section.querySelector("[data-countdown]");
  var deadline = countdown ? Date.parse(countdown.getAttribute("data-expires-at")) : NaN;
  var finished = false;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    if (!countdown || isNaN(deadline) || finished) { return; }
    var left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    countdown.textContent = countdown.getAttribute("data-label") + " " + (h ? h + ":" + pad(m) : m) + ":" + pad(s);
    if (left === 0) {
      countdown.textContent = section.getAttribute("data-msg-expired");
      return;
    }
    window.setTimeout(tick, 1000);
  }

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

  tick();
  window.setTimeout(poll, POLL_MS);
})();
