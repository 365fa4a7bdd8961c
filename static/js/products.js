// Listing management: progressive enhancements; the product page works without this file.
// - variants are added and removed in the page (no round trip, so chosen photos stay chosen);
// - options are picked as chips ("Ukuran: S M L"), written into each row's options text
//   ("Ukuran=M;Warna=Biru"), which is what the server reads with or without this file;
// - new photos are listed in the order they will have, can be moved or dropped, and are made
//   smaller (at most 1600 px, WebP or JPEG at 0.8) before upload when that saves bytes.
// Every text shown comes from data-t-* attributes the server translated.
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

  var form = document.querySelector("form.product-form");
  if (!form) { return; }
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  var make = function (tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  };
  var button = function (text, onClick, className) {
    var node = make("button", className || "secondary", text);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  };

  // --- variant rows ------------------------------------------------------------------------
  var rowsBox = form.querySelector("[data-variant-rows]");
  var template = document.getElementById("variant-row-template");
  var addButton = form.querySelector("[data-add-variant]");
  var MAX_ROWS = 50;
  var rows = function () { return Array.prototype.slice.call(rowsBox.querySelectorAll("[data-variant-row]")); };
  var optionsInput = function (row) { return row.querySelector("input[name$='-options']"); };

  function renumber() {
    var all = rows();
    var title = rowsBox.getAttribute("data-t-title");
    all.forEach(function (row, i) { row.querySelector("[data-row-title]").textContent = title.replace("{n}", i + 1); });
    var newRows = all.filter(function (row) { return row.hasAttribute("data-new-row"); });
    newRows.forEach(function (row) { row.querySelector(".row-remove").hidden = all.length < 2; });
    addButton.disabled = all.length >= MAX_ROWS;
  }

  function enhanceRow(row) {
    if (row.hasAttribute("data-new-row")) {
      var check = row.querySelector("[data-remove-check]");
      check.hidden = true;
      check.querySelector("input").checked = false;
      row.querySelector("[data-remove-row]").addEventListener("click", function () {
        row.parentNode.removeChild(row);
        renumber();
      });
    }
  }

  function nextIndex() {
    var highest = -1;
    each(form.querySelectorAll("[name^='variants-']"), function (input) {
      var match = /^variants-(\d+)-/.exec(input.name);
      if (match) { highest = Math.max(highest, parseInt(match[1], 10)); }
    });
    return highest + 1;
  }

  function addRow() {
    if (rows().length >= MAX_ROWS) { return null; }
    var holder = make("div");
    holder.innerHTML = template.innerHTML.replace(/__i__/g, String(nextIndex()));
    var row = holder.firstElementChild;
    rowsBox.appendChild(row);
    enhanceRow(row);
    renderRow(row);
    renumber();
    return row;
  }

  if (rowsBox && template && addButton) {
    rows().forEach(enhanceRow);
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      var row = addRow();
      if (row) { (row.querySelector(".row-options input, input[name$='-price_idr']") || row).focus(); }
    });
  }

  // --- options as chips --------------------------------------------------------------------
  var editor = form.querySelector("[data-option-editor]");
  var groupsBox = editor && editor.querySelector("[data-option-groups]");
  var combosButton = editor && editor.querySelector("[data-make-combinations]");
  var t = function (name) { return editor.getAttribute("data-t-" + name); };
  var groups = []; // [{name: "Ukuran", values: ["S", "M"]}]
  var clean = function (text, length) { return String(text).replace(/[=;]/g, " ").replace(/\s+/g, " ").trim().slice(0, length); };

  // "Ukuran=M;Warna=Biru" -> [["Ukuran", "M"], ["Warna", "Biru"]]; null when it does not read.
  function parse(text) {
    text = (text || "").trim();
    if (!text) { return []; }
    var pairs = [];
    var ok = text.split(";").every(function (part) {
      var at = part.indexOf("=");
      var name = part.slice(0, at).trim();
      var value = part.slice(at + 1).trim();
      if (at < 0 || !name || !value) { return false; }
      pairs.push([name, value]);
      return true;
    });
    return ok ? pairs : null;
  }
  function picksOf(row) {
    var picks = {};
    (parse(optionsInput(row).value) || []).forEach(function (pair) { picks[pair[0]] = pair[1]; });
    return picks;
  }
  function writePicks(row, picks) {
    optionsInput(row).value = groups.filter(function (group) { return group.name && picks[group.name]; })
      .map(function (group) { return group.name + "=" + picks[group.name]; }).join(";");
  }

  function renderRow(row) {
    if (!editor) { return; }
    var box = row.querySelector("[data-row-options]");
    var input = optionsInput(row);
    var readable = parse(input.value) !== null;
    row.querySelector("[data-options-text]").hidden = readable && !row.querySelector("[data-options-text] .has-error");
    var picks = picksOf(row);
    box.textContent = "";
    groups.forEach(function (group) {
      if (!group.name || !group.values.length) { return; }
      var set = make("fieldset", "option-pick");
      set.appendChild(make("legend", "", group.name));
      group.values.forEach(function (value) {
        var label = make("label", "pick-chip");
        var radio = make("input");
        radio.type = "radio";
        radio.name = input.name + "-pick-" + group.name;
        radio.setAttribute("form", "option-picks"); // no such form: the picks are not posted, the text is
        radio.value = value;
        radio.checked = picks[group.name] === value;
        radio.addEventListener("change", function () {
          var now = picksOf(row);
          now[group.name] = value;
          writePicks(row, now);
        });
        label.appendChild(radio);
        label.appendChild(make("span", "", value));
        set.appendChild(label);
      });
      box.appendChild(set);
    });
    box.hidden = !box.firstChild;
  }

  function renderEditor(focusGroup) {
    groupsBox.textContent = "";
    groups.forEach(function (group, index) {
      var box = make("div", "option-group");
      var name = make("input", "option-name");
      name.type = "text";
      name.maxLength = 30;
      name.value = group.name;
      name.setAttribute("aria-label", t("name"));
      name.placeholder = t("name");
      name.addEventListener("change", function () { rename(index, clean(name.value, 30)); });
      name.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); name.blur(); } });
      box.appendChild(name);
      var values = make("p", "option-values");
      group.values.forEach(function (value) {
        var chip = make("span", "chip", value);
        var remove = button("×", function () { removeValue(index, value); }, "chip-remove");
        remove.setAttribute("aria-label", t("remove-value").replace("{v}", value));
        chip.appendChild(remove);
        values.appendChild(chip);
      });
      box.appendChild(values);
      var adder = make("p", "option-add");
      var fresh = make("input", "option-new-value");
      fresh.type = "text";
      fresh.maxLength = 40;
      fresh.placeholder = t("value");
      fresh.setAttribute("aria-label", t("value"));
      var add = function () { addValue(index, fresh.value); };
      fresh.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); add(); } });
      adder.appendChild(fresh);
      adder.appendChild(button(t("add"), add));
      box.appendChild(adder);
      box.appendChild(button(t("remove-group"), function () { removeGroup(index); }, "link-button"));
      groupsBox.appendChild(box);
    });
    combosButton.hidden = !groups.some(function (group) { return group.name && group.values.length > 1; });
    if (focusGroup !== undefined && groupsBox.children[focusGroup]) {
      var target = groupsBox.children[focusGroup];
      (target.querySelector(".option-name").value ? target.querySelector(".option-new-value") : target.querySelector(".option-name")).focus();
    }
  }
  function renderAll(focusGroup) {
    renderEditor(focusGroup);
    rows().forEach(renderRow);
  }
  function eachRowPicks(change) {
    rows().forEach(function (row) {
      if (parse(optionsInput(row).value) === null) { return; }
      var picks = picksOf(row);
      change(picks);
      writePicks(row, picks);
    });
  }
  function rename(index, name) {
    var old = groups[index].name;
    var taken = groups.some(function (group, i) { return i !== index && group.name === name; });
    if (!name || taken) { renderAll(); return; }
    eachRowPicks(function (picks) { if (old in picks) { picks[name] = picks[old]; delete picks[old]; } });
    groups[index].name = name;
    renderAll();
  }
  function addValue(index, raw) {
    var value = clean(raw, 40);
    if (value && groups[index].values.indexOf(value) < 0) { groups[index].values.push(value); }
    renderAll(index);
  }
  function removeValue(index, value) {
    var group = groups[index];
    eachRowPicks(function (picks) { if (picks[group.name] === value) { delete picks[group.name]; } });
    group.values = group.values.filter(function (v) { return v !== value; });
    renderAll();
  }
  function removeGroup(index) {
    var name = groups[index].name;
    groups.splice(index, 1);
    eachRowPicks(function (picks) { delete picks[name]; });
    renderAll();
  }

  // One row for each combination of values that no row has yet; empty new rows are used first.
  function makeCombinations() {
    var named = groups.filter(function (group) { return group.name && group.values.length; });
    var combos = [[]];
    named.forEach(function (group) {
      var longer = [];
      combos.forEach(function (combo) { group.values.forEach(function (v) { longer.push(combo.concat([[group.name, v]])); }); });
      combos = longer;
    });
    var have = rows().map(function (row) { return optionsInput(row).value; });
    combos.forEach(function (combo) {
      var text = combo.map(function (pair) { return pair[0] + "=" + pair[1]; }).join(";");
      if (have.indexOf(text) >= 0) { return; }
      var row = rows().filter(function (r) {
        return r.hasAttribute("data-new-row") && !optionsInput(r).value;
      })[0] || addRow();
      if (!row) { return; }
      optionsInput(row).value = text;
      have.push(text);
    });
    renderAll();
  }

  if (editor && rowsBox) {
    rows().forEach(function (row) {
      (parse(optionsInput(row).value) || []).forEach(function (pair) {
        var group = groups.filter(function (g) { return g.name === pair[0]; })[0];
        if (!group) { group = { name: pair[0], values: [] }; groups.push(group); }
        if (group.values.indexOf(pair[1]) < 0) { group.values.push(pair[1]); }
      });
    });
    each(editor.querySelectorAll("[data-preset]"), function (preset) {
      preset.addEventListener("click", function () {
        var name = preset.getAttribute("data-preset");
        var found = -1;
        groups.forEach(function (group, i) { if (name && group.name === name) { found = i; } });
        if (found < 0) {
          var values = preset.getAttribute("data-values");
          groups.push({ name: name, values: values ? values.split(",") : [] });
          found = groups.length - 1;
        }
        renderAll(found);
      });
    });
    combosButton.addEventListener("click", makeCombinations);
    editor.hidden = false;
    renderAll();
  }
  if (rowsBox && addButton) { renumber(); }

  // --- new photos: order, drop, make smaller ----------------------------------------------
  var fileInput = form.querySelector("#photos");
  var camera = form.querySelector("#photos-camera");
  var list = form.querySelector("[data-new-photos]");
  var picks = []; // [{file, url, note}]
  var working = 0;
  var waiting = null;
  var MAX_SIDE = 1600;
  var QUALITY = 0.8;
  var kb = function (bytes) { return Math.max(1, Math.round(bytes / 1024)) + " KB"; };
  var lt = function (name) { return list.getAttribute("data-t-" + name); };

  function toBlob(canvas, type) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, type, QUALITY); });
  }
  // A smaller File for ``file`` (at most MAX_SIDE px a side), or null when it would not be smaller.
  function shrink(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) { return Promise.resolve(null); }
    return window.createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = make("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      var context = canvas.getContext("2d");
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) { bitmap.close(); }
      return toBlob(canvas, "image/webp").then(function (blob) {
        if (blob && blob.type === "image/webp") { return blob; }
        context.globalCompositeOperation = "destination-over"; // JPEG has no transparency: white behind
        context.fillStyle = "#fff";
        context.fillRect(0, 0, canvas.width, canvas.height);
        return toBlob(canvas, "image/jpeg");
      });
    }).then(function (blob) {
      if (!blob || blob.size >= file.size) { return null; }
      var extension = blob.type === "image/webp" ? ".webp" : ".jpg";
      return new File([blob], file.name.replace(/\.[^.]*$/, "") + extension, { type: blob.type });
    });
  }

  function renderPicks() {
    var transfer = new DataTransfer();
    picks.forEach(function (pick) { transfer.items.add(pick.file); });
    fileInput.files = transfer.files;
    list.textContent = "";
    list.hidden = !picks.length;
    picks.forEach(function (pick, index) {
      var item = make("li", "photo-pick");
      var img = make("img");
      img.src = pick.url;
      img.alt = "";
      img.width = 64;
      img.height = 64;
      item.appendChild(img);
      var body = make("div", "photo-pick-body");
      body.appendChild(make("span", "photo-pick-name", pick.file.name));
      if (pick.note) { body.appendChild(make("span", "hint", pick.note)); }
      var actions = make("span", "actions");
      var move = function (offset) {
        return function () {
          var to = index + offset;
          picks.splice(to, 0, picks.splice(index, 1)[0]);
          renderPicks();
        };
      };
      if (index > 0) { actions.appendChild(button(lt("up"), move(-1))); }
      if (index < picks.length - 1) { actions.appendChild(button(lt("down"), move(1))); }
      actions.appendChild(button(lt("remove"), function () {
        URL.revokeObjectURL(pick.url);
        picks.splice(index, 1);
        renderPicks();
      }, "danger"));
      body.appendChild(actions);
      item.appendChild(body);
      list.appendChild(item);
    });
  }

  function addPick(file) {
    var pick = { file: file, url: URL.createObjectURL(file), note: lt("working") };
    picks.push(pick);
    working += 1;
    shrink(file).then(function (smaller) {
      pick.note = smaller ? lt("shrunk").replace("{a}", kb(file.size)).replace("{b}", kb(smaller.size)) : "";
      if (smaller) { pick.file = smaller; }
    }, function () { pick.note = ""; }).then(function () {
      working -= 1;
      renderPicks();
      if (!working && waiting) {
        var submitter = waiting;
        waiting = null;
        form.requestSubmit(submitter === true ? undefined : submitter);
      }
    });
  }

  if (fileInput && list && window.DataTransfer && window.Promise) {
    [fileInput, camera].forEach(function (input) {
      if (!input) { return; }
      input.addEventListener("change", function () {
        var chosen = Array.prototype.slice.call(input.files);
        if (input === camera) { camera.value = ""; }
        chosen.forEach(addPick);
        renderPicks();
      });
    });
    // Saving while a photo is still being made smaller waits for it, then saves.
    form.addEventListener("submit", function (event) {
      if (working) {
        event.preventDefault();
        waiting = event.submitter || true;
      }
    });
  }

  // --- saved photos: move and describe them in place ---------------------------------------
  // Their forms post on their own; a full reload would drop the product form's unsaved changes and
  // its chosen photos, so these posts go through fetch and the list is reordered in the page.
  var saved = document.querySelector("[data-photo-list]");
  if (saved && window.fetch && window.FormData) {
    var refreshButtons = function () {
      var items = saved.querySelectorAll(".photo-item");
      each(items, function (item, i) {
        item.querySelector("button[value=up]").hidden = i === 0;
        item.querySelector("button[value=down]").hidden = i === items.length - 1;
      });
    };
    var plainly = function (form, submitter) { // the ordinary post, when fetch could not do it
      form.setAttribute("data-plain", "");
      form.requestSubmit(submitter);
    };
    saved.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      var action = submitter && submitter.value;
      if (event.target.hasAttribute("data-plain")) { return; }
      if (["up", "down", "alt"].indexOf(action) < 0) { return; } // removing reloads, after its confirm
      event.preventDefault();
      var data = new FormData(event.target);
      data.append(submitter.name, action);
      var item = event.target.closest(".photo-item");
      submitter.disabled = true;
      fetch(event.target.action, { method: "POST", body: data, credentials: "same-origin" }).then(function (response) {
        submitter.disabled = false;
        if (!response.ok) { plainly(event.target, submitter); return; } // the page shows the problem
        if (action === "up" && item.previousElementSibling) { saved.insertBefore(item, item.previousElementSibling); }
        if (action === "down" && item.nextElementSibling) { saved.insertBefore(item.nextElementSibling, item); }
        if (action === "alt") {
          var note = item.querySelector(".photo-saved") || make("span", "hint photo-saved");
          note.textContent = saved.getAttribute("data-t-saved");
          note.setAttribute("role", "status");
          submitter.parentNode.appendChild(note);
        }
        refreshButtons();
        submitter.focus();
      }, function () { submitter.disabled = false; plainly(event.target, submitter); });
    });
  }
})();
