// Asset inventory pages: the AI fieldset follows the kind, and the relation picker suggests assets.
// The server validates everything; this only spares people fields that do not apply.
(function () {
  "use strict";

  // --- Asset form: show the AI profile only for AI kinds ------------------------
  var form = document.querySelector("form[data-ai-kinds]");
  if (form) {
    var aiKinds = (form.getAttribute("data-ai-kinds") || "").split(" ");
    var kindSelect = form.querySelector("[data-asset-kind]");
    var fieldset = document.getElementById("ai-fieldset");

    var applyKind = function () {
      var kind = kindSelect ? kindSelect.value : "";
      var isAi = aiKinds.indexOf(kind) !== -1;
      if (fieldset) {
        fieldset.hidden = !isAi;
        // A disabled fieldset is not submitted: an information asset sends no AI values.
        fieldset.disabled = !isAi;
      }
      form.querySelectorAll("[data-required-for]").forEach(function (badge) {
        var required = badge.getAttribute("data-required-for").split(" ").indexOf(kind) !== -1;
        badge.hidden = !required;
        var group = badge.closest(".mb-3");
        var input = group && group.querySelector("input, select, textarea");
        if (input) {
          input.setAttribute("aria-required", required ? "true" : "false");
        }
      });
    };

    if (kindSelect) {
      kindSelect.addEventListener("change", applyKind);
      applyKind();
    }
  }

  // --- Relation picker: suggest assets as the user types -----------------------
  var list = document.getElementById("relation-asset-options");
  var input = list && document.querySelector("input[list='relation-asset-options']");
  if (list && input) {
    var url = list.getAttribute("data-lookup-url");
    var timer = null;
    var lastQuery = null;
    var suggest = function () {
      var query = input.value.trim();
      if (query === lastQuery) {
        return;
      }
      lastQuery = query;
      fetch(url + "&asset=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      })
        .then(function (response) {
          return response.ok ? response.text() : "";
        })
        .then(function (html) {
          list.innerHTML = html;
        })
        .catch(function () {
          // Suggestions are a convenience; typing an identifier still works.
        });
    };
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 180);
    });
    input.addEventListener("focus", suggest, { once: true });
  }
})();
