// Product page: tapping a variant chip shows its price, stock and photo at the top and keeps the
// choice in the address (?variant=). The chips are plain radios: the page works without this file.
(function () {
  "use strict";
  var chips = document.querySelector(".variant-chips");
  var price = document.querySelector(".product-price .price");
  var stockLine = document.querySelector(".product-stock");
  if (!chips || !price || !stockLine) { return; }
  var stock = stockLine.querySelector(".stock");
  // Each photo as the page drew it (read once: the big frame's own attributes change below).
  var photos = Array.prototype.map.call(document.querySelectorAll(".gallery a[data-w960]"), function (link) {
    var img = link.querySelector("img");
    return { link: link, href: link.href, src: link.getAttribute("data-w960"), srcset: img.getAttribute("srcset") || "",
             height: parseInt(link.getAttribute("data-h960"), 10), alt: img.alt };
  });
  var main = photos[0] && photos[0].link.querySelector("img");

  // Show photo number ``index`` (in the gallery's order) in the big frame; the thumbnails stay.
  function showPhoto(index) {
    var photo = photos[index];
    if (!photo || !main) { return; }
    main.srcset = photo.srcset;
    main.src = photo.src;
    if (photo.height) { main.height = photo.height; }
    main.alt = photo.alt;
    photos[0].link.href = photo.href;
    photos.forEach(function (other, i) { other.link.classList.toggle("is-current", i === index && i > 0); });
  }

  chips.addEventListener("change", function (event) {
    var input = event.target;
    if (input.name !== "variant_id" || !input.checked) { return; }
    price.textContent = input.getAttribute("data-price");
    stock.textContent = input.getAttribute("data-stock");
    stock.className = "stock stock-" + input.getAttribute("data-stock-kind");
    stockLine.hidden = false;
    if (input.hasAttribute("data-photo")) { showPhoto(parseInt(input.getAttribute("data-photo"), 10)); }
    if (window.history && window.URL) {
      var url = new URL(window.location.href);
      url.searchParams.set("variant", input.value);
      window.history.replaceState(null, "", url.pathname + url.search + url.hash);
      var next = input.form && input.form.querySelector("input[name=next]");
      if (next) { next.value = url.pathname + url.search; }
    }
  });
})();
