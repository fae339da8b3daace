// Forms keep what was typed (issue 13): a warning before leaving a form with unsaved changes,
// and the error summary of a failed submit takes the focus. No inline scripts (CSP).
(function () {
  "use strict";

  var snapshots = new Map(); // form -> its state when shown (or saved)
  var submitting = false;

  // Edit forms of the app: POST forms with something to type or choose; not the one-button
  // forms (remove, sign off: they confirm instead) and not those that opt out.
  function isTracked(form) {
    if (!form.matches("form[method=post i]") || form.hasAttribute("data-confirm")) return false;
    if (form.hasAttribute("data-no-unsaved-warning") || !form.closest(".app-content")) return false;
    return form.querySelector(
      "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea, [data-record-picker]"
    ) !== null;
  }

  function state(form) {
    var data = new FormData(form);
    data.delete("csrfmiddlewaretoken");
    return new URLSearchParams(data).toString();
  }

  function track(root) {
    var forms = root.matches && root.matches("form") ? [root] : root.querySelectorAll("form");
    Array.prototype.forEach.call(forms, function (form) {
      if (!isTracked(form) || snapshots.has(form)) return;
      // A form shown again after a failed submit holds what was typed but not saved.
      var failed = form.querySelector("[data-error-summary], .invalid-feedback") !== null;
      snapshots.set(form, failed ? null : state(form));
    });
  }

  function unsaved() {
    var dirty = false;
    snapshots.forEach(function (snapshot, form) {
      if (!document.contains(form)) {
        snapshots.delete(form);
      } else if (snapshot === null || state(form) !== snapshot) {
        dirty = true;
      }
    });
    return dirty;
  }

  // Saving is not leaving. (A submit htmx takes over is default-prevented: the page stays.)
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) submitting = true;
  });

  // Reloads, closing the tab and every in-app link: the browser asks "Leave site?".
  window.addEventListener("beforeunload", function (event) {
    if (submitting || !unsaved()) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // Forms htmx swaps in (an SoA row's editor) are tracked from then on; a form htmx
  // submits is saved once the answer arrives.
  document.addEventListener("htmx:load", function (event) { track(event.target); });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form");
    if (form && snapshots.has(form) && event.detail.successful) snapshots.set(form, state(form));
  });

  document.addEventListener("DOMContentLoaded", function () {
    track(document);
    // Defect 6: the error summary takes the focus, so keyboard and screen-reader users land on it.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  });

  // Defect 7: a browser writes its date input in its own language's order (05/30/2027 in
  // US English), beside pages that write "30 May 2027". The hint under each date input says
  // the chosen day the portal's way, so the two never read as different days.
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function echoDate(hint) {
    var input = document.getElementById(hint.getAttribute("data-date-echo"));
    if (!input) return;
    if (!hint.hasAttribute("data-date-echo-text")) hint.setAttribute("data-date-echo-text", hint.textContent);
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.value || "");
    hint.textContent = parts
      ? "Saved as " + Number(parts[3]) + " " + MONTHS[Number(parts[2]) - 1] + " " + parts[1] + "."
      : hint.getAttribute("data-date-echo-text");
  }
  function echoDates(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("[data-date-echo]").forEach(echoDate);
  }
  document.addEventListener("DOMContentLoaded", function () { echoDates(document); });
  document.addEventListener("htmx:load", function (event) { echoDates(event.target); });
  document.addEventListener("input", function (event) {
    if (event.target.type !== "date" || !event.target.id) return;
    var hint = document.querySelector('[data-date-echo="' + event.target.id + '"]');
    if (hint) echoDate(hint);
  });

  // A summary link puts the cursor in its field (a picker's search box included).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-field-link]");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      var hidden = field.closest("[hidden]");
      field.scrollIntoView({ block: "center" });
      if (!hidden) field.focus();
    }
  });
})();
