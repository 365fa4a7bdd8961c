// Partner's request form: "Add a line" adds a row here instead of sending the form, choosing a
// sentra narrows every product picker to its shelf, and picking a product fills in the sentra
// (when none was chosen) and the wholesale minimum (when no quantity was typed). Without this file
// "Add a line" is a submit button that shows the form again with one more row.
(function () {
  "use strict";
  var lines = document.querySelector("[data-rfq-lines]");
  var add = document.querySelector("[data-add-line]");
  var sentra = document.getElementById("sentra");
  if (!lines) { return; }
  var max = parseInt(lines.getAttribute("data-max"), 10) || 20;
  var label = lines.getAttribute("data-line-label") || "{n}";

  function rows() { return lines.querySelectorAll("[data-rfq-line]"); }

  function narrow(picker) {
    var slug = sentra ? sentra.value : "";
    var groups = picker.querySelectorAll("optgroup");
    for (var i = 0; i < groups.length; i++) {
      var other = slug !== "" && groups[i].getAttribute("data-sentra") !== slug;
      groups[i].hidden = other;
      groups[i].disabled = other;
    }
    var chosen = picker.options[picker.selectedIndex];
    if (chosen && chosen.parentNode.disabled) { picker.value = ""; }
  }

  function narrowAll() {
    var pickers = lines.querySelectorAll("[data-product-picker]");
    for (var i = 0; i < pickers.length; i++) { narrow(pickers[i]); }
  }

  function renumber(row, index) {
    var fields = row.querySelectorAll("[id], [name], [for], [aria-describedby]");
    var swap = function (value) { return value.replace(/^lines-\d+-/, "lines-" + index + "-"); };
    for (var i = 0; i < fields.length; i++) {
      ["id", "name", "for"].forEach(function (attr) {
        if (fields[i].hasAttribute(attr)) { fields[i].setAttribute(attr, swap(fields[i].getAttribute(attr))); }
      });
    }
    row.querySelector("legend").textContent = label.replace("{n}", String(index + 1));
  }

  function blank(row) {
    var errors = row.querySelectorAll(".error");
    for (var i = 0; i < errors.length; i++) { errors[i].parentNode.removeChild(errors[i]); }
    var marked = row.querySelectorAll(".has-error");
    for (var j = 0; j < marked.length; j++) { marked[j].classList.remove("has-error"); }
    row.classList.remove("has-error");
    var inputs = row.querySelectorAll("input, select");
    for (var k = 0; k < inputs.length; k++) {
      inputs[k].value = "";
      inputs[k].removeAttribute("aria-invalid");
      inputs[k].removeAttribute("aria-describedby");
    }
  }

  if (add) {
    add.addEventListener("click", function (event) {
      var all = rows();
      if (all.length >= max) { return; }
      event.preventDefault();
      var row = all[all.length - 1].cloneNode(true);
      blank(row);
      renumber(row, all.length);
      lines.appendChild(row);
      narrow(row.querySelector("[data-product-picker]"));
      if (all.length + 1 >= max) { add.hidden = true; }
      row.querySelector("[data-product-picker]").focus();
    });
  }

  lines.addEventListener("change", function (event) {
    var picker = event.target;
    if (!picker.hasAttribute("data-product-picker")) { return; }
    var option = picker.options[picker.selectedIndex];
    if (!option || !option.value) { return; }
    var group = option.parentNode;
    if (sentra && !sentra.value && group.getAttribute("data-sentra")) {
      sentra.value = group.getAttribute("data-sentra");
      narrowAll();
    }
    var quantity = picker.closest("[data-rfq-line]").querySelector("input[name$='-quantity']");
    if (quantity && !quantity.value && option.getAttribute("data-min")) {
      quantity.value = option.getAttribute("data-min");
    }
  });

  if (sentra) { sentra.addEventListener("change", narrowAll); }
  narrowAll();
})();
