// Checkout: re-price in place as soon as the address or a delivery choice changes.
// The form posts action=refresh exactly as its "Update" buttons do without JavaScript; the
// answer is the same page, from which the delivery, payment and summary sections are taken.
// Anything unexpected (an error, a redirect to the cart) falls back to an ordinary submit.
(function () {
  "use strict";
  var form = document.querySelector("form.checkout-form");
  if (!form || !window.fetch || !window.DOMParser || !window.FormData) { return; }
  var refresh = form.querySelector("button[name=action][value=refresh]");
  if (!refresh) { return; }
  form.classList.add("js-live");
  var pending = null;

  function fallback() {
    form.setAttribute("data-no-fetch", "");
    if (form.requestSubmit) { form.requestSubmit(refresh); } else { refresh.click(); }
  }

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var parts = form.querySelectorAll("[data-checkout-part]");
    var focused = document.activeElement && document.activeElement.id;
    for (var i = 0; i < parts.length; i++) {
      var next = fresh.getElementById(parts[i].id);
      if (!next) { return false; }
      parts[i].replaceWith(document.importNode(next, true));
    }
    // The total the buyer now sees is the one the server checks at "place order".
    var total = fresh.querySelector("input[name=expected_total_idr]");
    var mine = form.querySelector("input[name=expected_total_idr]");
    if (total && mine) { mine.value = total.value; }
    if (focused && window.CSS && form.querySelector("[data-checkout-part] #" + CSS.escape(focused))) {
      document.getElementById(focused).focus();
    }
    return true;
  }

  function update() {
    if (pending) { pending.abort(); }
    var controller = window.AbortController ? new AbortController() : null;
    pending = controller;
    var data = new FormData(form);
    data.set("action", "refresh");
    form.setAttribute("aria-busy", "true");
    // Not form.action: the buttons named "action" shadow that property.
    fetch(form.getAttribute("action"), {
      method: "POST", body: data, credentials: "same-origin", signal: controller && controller.signal,
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok || response.redirected) { throw new Error("unexpected answer"); }
      return response.text();
    }).then(function (html) {
      if (pending !== controller) { return; }
      if (!swap(html)) { throw new Error("not the checkout page"); }
      pending = null;
      form.removeAttribute("aria-busy");
    }).catch(function (error) {
      if (error && error.name === "AbortError") { return; }
      pending = null;
      fallback();
    });
  }

  form.addEventListener("change", function (event) {
    var name = event.target.name || "";
    // A saved address, where a new one is, or a delivery choice changes the fees;
    // the recipient, phone and street do not.
    var savedAddress = name === "address" && event.target.value !== "new";
    var place = name === "kelurahan_code" || name === "location" || name === "city" || name === "postal_code";
    if (place) {
      var fresh = form.querySelector("#address-new");
      if (fresh && !fresh.checked) { return; }
    }
    if (savedAddress || place || name.indexOf("delivery-") === 0) { update(); }
  });

  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.value === "refresh" && !form.hasAttribute("data-no-fetch")) {
      event.preventDefault();
      update();
    }
  });
})();
