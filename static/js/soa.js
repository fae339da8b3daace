// The SoA table: select rows for the bulk bar (count, select all). No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  function boxes() {
    return Array.prototype.slice.call(document.querySelectorAll("input[name=rows][form=soa-bulk]"));
  }

  function refresh() {
    var count = boxes().filter(function (box) { return box.checked; }).length;
    var label = document.querySelector("[data-bulk-count]");
    var submit = document.querySelector("[data-bulk-submit]");
    if (label) {
      label.textContent = count ? count + " row" + (count === 1 ? "" : "s") + " selected" : "Select rows to change them together";
    }
    if (submit) {
      submit.disabled = count === 0;
    }
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-select-all]")) {
      boxes().forEach(function (box) { box.checked = el.checked; });
      refresh();
    } else if (el.matches && el.matches("input[name=rows][form=soa-bulk]")) {
      refresh();
    }
  });
  // A row swapped back by htmx comes unchecked.
  document.addEventListener("htmx:afterSwap", refresh);
  document.addEventListener("DOMContentLoaded", refresh);
})();
