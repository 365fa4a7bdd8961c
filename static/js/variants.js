// Product page: tapping a variant chip shows its price and stock at the top and keeps the
// choice in the address (?variant=). The chips are plain radios: the page works without this file.
(function () {
  "use strict";
  var chips = document.querySelector(".variant-chips");
  var price = document.querySelector(".product-price .price");
  var stockLine = document.querySelector(".product-stock");
  if (!chips || !price || !stockLine) { return; }
  var stock = stockLine.querySelector(".stock");

  chips.addEventListener("change", function (event) {
    var input = event.target;
    if (input.name !== "variant_id" || !input.checked) { return; }
    price.textContent = input.getAttribute("data-price");
    stock.textContent = input.getAttribute("data-stock");
    stock.className = "stock stock-" + input.getAttribute("data-stock-kind");
    stockLine.hidden = false;
    if (window.history && window.URL) {
      var url = new URL(window.location.href);
      url.searchParams.set("variant", input.value);
      window.history.replaceState(null, "", url.pathname + url.search + url.hash);
      var next = input.form && input.form.querySelector("input[name=next]");
      if (next) { next.value = url.pathname + url.search; }
    }
  });
})();
