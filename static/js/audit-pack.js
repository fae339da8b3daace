// The audit pack page: Move up / Move down for the sections, and a typed position moves its row.
// Without JavaScript the position numbers alone give the order; here every move renumbers the
// rows, so the form posts the same fields either way. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  var list = document.querySelector("[data-pack-sections]");
  if (!list) {
    return;
  }
  var announce = document.querySelector("[data-pack-announce]");

  function rows() {
    return Array.prototype.slice.call(list.querySelectorAll("[data-pack-section]"));
  }

  function title(row) {
    return row.querySelector("[data-pack-title]").textContent;
  }

  function button(row, direction) {
    return row.querySelector("[data-pack-move=" + direction + "]");
  }

  function renumber() {
    var all = rows();
    all.forEach(function (row, index) {
      row.querySelector("[data-pack-position]").value = String(index + 1);
      button(row, "up").disabled = index === 0;
      button(row, "down").disabled = index === all.length - 1;
    });
  }

  function flash(row) {
    row.classList.add("is-moved");
    window.setTimeout(function () { row.classList.remove("is-moved"); }, 600);
  }

  function moved(row) {
    var all = rows();
    renumber();
    flash(row);
    if (announce) {
      announce.textContent = title(row) + ": position " + (all.indexOf(row) + 1) + " of " + all.length + ".";
    }
  }

  // Moving a node takes the focus off it: give it back to the control used, or to the other
  // button when that one has just become disabled (the row reached the top or the bottom).
  function refocus(row, control) {
    if (!control.disabled) {
      control.focus();
      return;
    }
    var other = button(row, control.getAttribute("data-pack-move") === "up" ? "down" : "up");
    if (other && !other.disabled) {
      other.focus();
    }
  }

  list.querySelectorAll("[data-pack-move]").forEach(function (control) {
    control.hidden = false;
  });
  document.querySelectorAll(".pack-js-only").forEach(function (part) {
    part.hidden = false;
  });
  renumber();

  list.addEventListener("click", function (event) {
    var control = event.target.closest("[data-pack-move]");
    if (!control || control.disabled) {
      return;
    }
    var row = control.closest("[data-pack-section]");
    if (control.getAttribute("data-pack-move") === "up" && row.previousElementSibling) {
      list.insertBefore(row, row.previousElementSibling);
    } else if (control.getAttribute("data-pack-move") === "down" && row.nextElementSibling) {
      list.insertBefore(row.nextElementSibling, row);
    } else {
      return;
    }
    moved(row);
    refocus(row, control);
  });

  // A position typed in: the row goes there (out-of-range numbers to the nearest end).
  list.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches("[data-pack-position]")) {
      return;
    }
    var row = input.closest("[data-pack-section]");
    var all = rows();
    var wanted = parseInt(input.value, 10);
    if (isNaN(wanted)) {
      renumber();
      return;
    }
    wanted = Math.min(Math.max(wanted, 1), all.length);
    var others = all.filter(function (other) { return other !== row; });
    list.insertBefore(row, others[wanted - 1] || null);
    moved(row);
    input.focus();
  });
})();
