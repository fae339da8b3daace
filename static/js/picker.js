// Record pickers (core.widgets.RecordPicker): a combobox that searches a lookup endpoint
// (or options the page carries) and keeps the chosen records as chips, each holding a
// hidden input of the form field. Keyboard: type, ArrowDown/ArrowUp, Enter to add,
// Escape to close, Backspace or Delete in an empty box removes the last chip; each chip's
// remove button is a Tab stop of its own.
(function () {
  "use strict";

  var pickerInit = function (root) {
    var name = root.getAttribute("data-name");
    var lookupUrl = root.getAttribute("data-lookup-url");
    var noun = root.getAttribute("data-noun") || "records";
    var input = root.querySelector("[data-picker-input]");
    var listbox = root.querySelector("[data-picker-listbox]");
    var chips = root.querySelector("[data-picker-chips]");
    var count = root.querySelector("[data-picker-count]");
    var inline = document.getElementById(input.id + "-options");
    var options = inline ? JSON.parse(inline.textContent) : null;
    var results = [];
    var active = -1;
    var timer = null;
    var serial = 0;

    var chosenIds = function () {
      return Array.prototype.map.call(chips.querySelectorAll("input[type=hidden]"), function (el) {
        return el.value;
      });
    };

    var updateCount = function () {
      var n = chosenIds().length;
      count.textContent = n ? n + " chosen" : "None chosen yet.";
    };

    var removeChip = function (chip, refocus) {
      var label = chip.querySelector(".picker-chip-label").textContent;
      chip.parentNode.removeChild(chip);
      updateCount();
      root.dispatchEvent(new CustomEvent("picker:change", { bubbles: true, detail: { removed: label } }));
      if (refocus) {
        input.focus();
      }
    };

    var addChip = function (item) {
      if (chosenIds().indexOf(String(item.id)) !== -1) {
        return;
      }
      if (root.hasAttribute("data-single")) {
        // One record at a time: the new choice replaces the previous one.
        Array.prototype.forEach.call(chips.querySelectorAll(".picker-chip"), function (chip) {
          chip.parentNode.removeChild(chip);
        });
      }
      var chip = document.createElement("span");
      chip.className = "picker-chip";
      chip.setAttribute("data-id", item.id);
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = item.id;
      var label = document.createElement("span");
      label.className = "picker-chip-label";
      label.textContent = item.label;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "picker-chip-remove";
      remove.title = "Remove";
      remove.setAttribute("aria-label", "Remove " + item.label);
      var cross = document.createElement("i");
      cross.className = "bi bi-x";
      cross.setAttribute("aria-hidden", "true");
      remove.appendChild(cross);
      chip.appendChild(hidden);
      chip.appendChild(label);
      chip.appendChild(remove);
      chips.appendChild(chip);
      updateCount();
      root.dispatchEvent(new CustomEvent("picker:change", { bubbles: true, detail: { added: item.label } }));
    };

    var close = function () {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    };

    var highlight = function (index) {
      var items = listbox.querySelectorAll("[role=option]");
      if (!items.length || index < 0) {
        active = -1;
        input.removeAttribute("aria-activedescendant");
        Array.prototype.forEach.call(items, function (el) {
          el.classList.remove("is-active");
          el.setAttribute("aria-selected", "false");
        });
        return;
      }
      active = (index + items.length) % items.length;
      Array.prototype.forEach.call(items, function (el, i) {
        el.classList.toggle("is-active", i === active);
        el.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    };

    var render = function (items) {
      var taken = chosenIds();
      results = items.filter(function (item) { return taken.indexOf(String(item.id)) === -1; });
      listbox.textContent = "";
      if (!results.length) {
        var empty = document.createElement("li");
        empty.className = "picker-empty";
        empty.textContent = input.value.trim() ? "No " + noun + " match “" + input.value.trim() + "”." : "No more " + noun + " to add.";
        listbox.appendChild(empty);
      }
      results.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = input.id + "-option-" + item.id;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.className = "picker-option";
        var text = document.createElement("span");
        text.textContent = item.label;
        li.appendChild(text);
        if (item.hint) {
          var hint = document.createElement("span");
          hint.className = "picker-option-hint";
          hint.textContent = item.hint;
          li.appendChild(hint);
        }
        li.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the box
          choose(i);
        });
        listbox.appendChild(li);
      });
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(results.length ? 0 : -1);
    };

    var search = function () {
      var query = input.value.trim();
      if (options) {
        var words = query.toLowerCase().split(/\s+/).filter(Boolean);
        render(options.filter(function (item) {
          var text = (item.label + " " + (item.hint || "")).toLowerCase();
          return words.every(function (w) { return text.indexOf(w) !== -1; });
        }).slice(0, 50));
        return;
      }
      var mine = ++serial;
      var url = lookupUrl + (lookupUrl.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(query);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          if (mine === serial) {
            render(data.results || []);
          }
        })
        .catch(function () { if (mine === serial) { render([]); } });
    };

    var choose = function (index) {
      var item = results[index];
      if (!item) {
        return;
      }
      addChip(item);
      input.value = "";
      search();
    };

    input.addEventListener("input", function () {
      // The list on show answers an older query (and so may a search on its way): until the new
      // one answers, Enter must not add from it.
      serial++;
      highlight(-1);
      window.clearTimeout(timer);
      timer = window.setTimeout(search, options ? 0 : 150);
    });
    input.addEventListener("focus", function () {
      if (listbox.hidden && input.value.trim()) {
        search();
      }
    });
    // Closed a moment after the focus leaves (a click on an option lands first), unless the focus
    // is back by then: a chip's remove button hands it back, and a list opened since must stay.
    input.addEventListener("blur", function () {
      window.setTimeout(function () {
        if (document.activeElement !== input) {
          close();
        }
      }, 100);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (listbox.hidden) {
          search();
        } else {
          highlight(active + (event.key === "ArrowDown" ? 1 : -1));
        }
      } else if (event.key === "Enter") {
        if (!listbox.hidden) {
          event.preventDefault(); // never submit the form from the picker
          if (active >= 0) {
            choose(active);
          }
        }
      } else if (event.key === "Escape") {
        if (!listbox.hidden) {
          event.preventDefault();
          close();
        }
      } else if ((event.key === "Backspace" || event.key === "Delete") && !input.value) {
        var all = chips.querySelectorAll(".picker-chip");
        if (all.length) {
          removeChip(all[all.length - 1], true);
        }
      }
    });
    // Other scripts add a record with root.dispatchEvent(new CustomEvent("picker:add", {detail: {id, label}})).
    root.addEventListener("picker:add", function (event) { addChip(event.detail); });
    chips.addEventListener("click", function (event) {
      var button = event.target.closest(".picker-chip-remove");
      if (button) {
        removeChip(button.closest(".picker-chip"), true);
      }
    });
  };

  document.querySelectorAll("[data-record-picker]").forEach(pickerInit);
})();
