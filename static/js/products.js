// Listing management: small progressive enhancements; the product page works without this file.
(function () {
  "use strict";
  // Food-safety fields (P-IRT, halal, shelf life) only matter for kuliner: hide them otherwise.
  var subsector = document.getElementById("subsector_code");
  var food = document.querySelector("[data-food-only]");
  if (subsector && food) {
    var sync = function () {
      var hasValues = Array.prototype.some.call(food.querySelectorAll("input"), function (input) {
        return input.value !== "";
      });
      food.hidden = subsector.value !== "kuliner" && !hasValues && !food.querySelector(".has-error");
    };
    subsector.addEventListener("change", sync);
    sync();
  }
})();
