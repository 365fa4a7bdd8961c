// Pasar Sentra search: suggestions as you type for any <input data-suggest>, and
// sort selects that submit their form. The search works without this file.
(function () {
  "use strict";
  if (window.pasarSearch) { return; }  // included twice (page and base): enhance once
  window.pasarSearch = true;
  var seq = 0;

  function setup(input, n) {
    var list = document.createElement("ul");
    var items = [], active = -1, timer = null, shown = "";
    list.id = "suggest-" + n;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.parentNode.classList.add("suggest-host");
    input.parentNode.insertBefore(list, input.nextSibling);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function mark(i) {
      var options = list.children;
      if (active >= 0 && options[active]) { options[active].setAttribute("aria-selected", "false"); }
      active = i;
      if (i < 0) { input.removeAttribute("aria-activedescendant"); return; }
      options[i].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[i].id);
      if (options[i].scrollIntoView) { options[i].scrollIntoView({block: "nearest"}); }
    }

    function render(found) {
      items = found;
      list.textContent = "";
      active = -1;
      found.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.className = "suggest-option suggest-" + item.type;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        if (item.type === "product") {
          // A thumbnail (or an empty square) beside the title and the sentra that sells it.
          var thumb = document.createElement(item.thumbnail_url ? "img" : "span");
          thumb.className = "suggest-thumb";
          if (item.thumbnail_url) {
            thumb.src = item.thumbnail_url;
            thumb.alt = "";
            thumb.width = 40;
            thumb.height = 40;
            thumb.loading = "lazy";
          }
          var text = document.createElement("span");
          text.className = "suggest-text";
          var title = document.createElement("span");
          title.className = "suggest-title";
          title.textContent = item.label;
          text.appendChild(title);
          if (item.sentra_name) {
            var sentra = document.createElement("span");
            sentra.className = "suggest-sentra-name";
            sentra.textContent = item.sentra_name;
            text.appendChild(sentra);
          }
          li.appendChild(thumb);
          li.appendChild(text);
        } else {
          li.textContent = item.label;
        }
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { go(i); });
        list.appendChild(li);
      });
      if (found.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }

    function go(i) {
      if (items[i]) { close(); window.location.assign(items[i].url); }
    }

    function load() {
      var text = input.value.trim();
      if (text === shown) { return; }
      shown = text;
      if (text.length < 2) { render([]); return; }
      var mine = ++seq;
      var base = input.getAttribute("data-suggest") || "/api/v1/search/suggest";
      fetch(base + "?q=" + encodeURIComponent(text), {headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {items: []}; })
        .then(function (body) {
          if (mine === seq && document.activeElement === input) { render(body.items || []); }
        })
        .catch(function () { if (mine === seq) { render([]); } });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(load, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden, count = list.children.length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) { if (count) { list.hidden = false; input.setAttribute("aria-expanded", "true"); } return; }
        event.preventDefault();
        var next = active + (event.key === "ArrowDown" ? 1 : -1);
        mark(next >= count ? -1 : next < -1 ? count - 1 : next);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        go(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("input[data-suggest]").forEach(setup);

  // Filters start folded on a phone; on a wide screen there is room to show them.
  if (window.matchMedia && window.matchMedia("(min-width: 48rem)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
  }

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) { select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit(); }
    });
  });
})();
