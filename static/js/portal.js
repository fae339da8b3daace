// Small behaviours for server-rendered pages. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  // <form data-confirm="…"> asks first through the dialog in confirm.js.

  // htmx requests carry the CSRF token from the cookie.
  document.addEventListener("htmx:configRequest", function (event) {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]);
    }
  });

  // A record picker inside [data-autosubmit] submits its form when its choice changes (filters).
  document.addEventListener("picker:change", function (event) {
    var root = event.target;
    var form = root.closest && root.closest("form");
    if (form && root.closest("[data-autosubmit]")) {
      form.requestSubmit();
    }
  });

  // <select data-autosubmit> submits its form on change (filters, page size).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) {
      el.form.requestSubmit();
    }
  });

  // <button data-copy-target="#id"> copies the target's value (an API token's secret, shown once).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy-target]");
    if (!button) {
      return;
    }
    var target = document.querySelector(button.getAttribute("data-copy-target"));
    if (!target) {
      return;
    }
    var label = button.querySelector("span") || button;
    var done = function () {
      label.textContent = button.getAttribute("data-copied-label") || "Copied";
    };
    var fallback = function () {
      target.select();
      document.execCommand("copy");
      done();
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(target.value).then(done, fallback);
    } else {
      fallback();
    }
  });

  // A register's bulk bar (partials/register/_bulk_bar.html): "select all on this page",
  // the count of ticked rows, and only the field the chosen action needs.
  function bulkRefresh() {
    var form = document.querySelector("[data-bulk-form]");
    if (!form) return;
    var rows = document.querySelectorAll("[data-bulk-row]");
    var ticked = document.querySelectorAll("[data-bulk-row]:checked").length;
    form.querySelector("[data-bulk-count]").textContent = String(ticked);
    form.querySelector("[data-bulk-submit]").disabled = ticked === 0;
    var all = document.querySelector("[data-bulk-all]");
    if (all) {
      all.checked = ticked > 0 && ticked === rows.length;
      all.indeterminate = ticked > 0 && ticked < rows.length;
    }
    var action = form.querySelector("[data-bulk-action]").value;
    form.querySelectorAll("[data-bulk-for]").forEach(function (part) {
      var wanted = part.getAttribute("data-bulk-for").split(" ").indexOf(action) !== -1;
      part.hidden = !wanted;
      part.querySelectorAll("select, input").forEach(function (input) { input.disabled = !wanted; });
    });
  }
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.matches) return;
    if (el.matches("[data-bulk-all]")) {
      document.querySelectorAll("[data-bulk-row]").forEach(function (row) { row.checked = el.checked; });
    }
    if (el.matches("[data-bulk-all], [data-bulk-row], [data-bulk-action]")) bulkRefresh();
  });
  document.addEventListener("DOMContentLoaded", bulkRefresh);

  // A table wider or taller than its box scrolls; keyboard users need to reach that region, so
  // it becomes a named, focusable region (axe: scrollable-region-focusable).
  function scrollRegionsLabel(root) {
    root.querySelectorAll(".table-responsive:not([tabindex])").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth && box.scrollHeight <= box.clientHeight) return;
      var card = box.closest(".card");
      var title = card && card.querySelector(".card-title, .card-header h2, .card-header h3");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", title ? title.textContent.trim() : "Table");
    });
  }
  document.addEventListener("DOMContentLoaded", function () { scrollRegionsLabel(document); });
  document.addEventListener("htmx:afterSettle", function (event) { scrollRegionsLabel(event.target); });

  // A register's filters fold away on a phone (collapsed at first) behind a toggle button.
  var phone = window.matchMedia("(max-width: 767.98px)");
  function filtersShow(form, open) {
    form.classList.toggle("filters-collapsed", !open);
    var toggle = form.querySelector("[data-filter-toggle]");
    if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-collapsible-filters]").forEach(function (form) {
      filtersShow(form, !phone.matches);
    });
  });
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-filter-toggle]");
    if (!toggle) return;
    var form = toggle.closest("[data-collapsible-filters]");
    filtersShow(form, form.classList.contains("filters-collapsed"));
  });
})();
