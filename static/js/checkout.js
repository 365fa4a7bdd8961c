// Checkout: re-price as soon as the address or a delivery choice changes.
// Without this file the "Update" buttons do the same.
(function () {
  "use strict";
  var form = document.querySelector("form.checkout-form");
  if (!form) { return; }
  var refresh = form.querySelector("button[name=action][value=refresh]");
  if (!refresh) { return; }
  form.addEventListener("change", function (event) {
    var name = event.target.name || "";
    // A saved address, a kelurahan for a new one, or a delivery choice changes the fees;
    // typing the rest of a new address does not.
    var savedAddress = name === "address" && event.target.value !== "new";
    var watched = savedAddress || name === "kelurahan_code" || name.indexOf("delivery-") === 0;
    if (!watched) { return; }
    if (name === "kelurahan_code") {
      var fresh = form.querySelector("#address-new");
      if (fresh && !fresh.checked) { return; }
    }
    form.classList.add("is-updating");
    if (form.requestSubmit) { form.requestSubmit(refresh); } else { refresh.click(); }
  });
})();
