// Payment page: tick the server-rendered time left to pay (data-countdown, in seconds) down once a second.
// It counts from this page's load, so a phone's wrong clock does not matter.
(function () {
  "use strict";
  var box = document.querySelector("[data-countdown]");
  if (!box) { return; }
  var out = box.querySelector("[data-countdown-time]");
  var deadline = Date.now() + parseInt(box.getAttribute("data-countdown"), 10) * 1000;
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    out.textContent = two(Math.floor(left / 3600)) + ":" + two(Math.floor(left % 3600 / 60)) + ":" + two(left % 60);
    box.classList.toggle("countdown-soon", left < 3600);
    if (left === 0) {
      box.classList.add("countdown-over");
      out.textContent = box.getAttribute("data-expired");
      return;
    }
    window.setTimeout(tick, (deadline - Date.now()) % 1000 || 1000);  // on the second's edge
  }
  tick();
})();
