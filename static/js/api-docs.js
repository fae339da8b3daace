// The API docs page (templates/drf_spectacular/swagger_ui.html): Swagger UI renders some controls
// with no accessible name, or with one that differs from what they show. This names them as they
// appear, so the page reads the same to a screen reader as it looks (axe: select-name, button-name,
// label-content-name-mismatch). It changes nothing Swagger UI does.
(function () {
  "use strict";

  function label(root) {
    // A parameter's value picker (enums, booleans) is named after its parameter.
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      const row = select.closest("tr[data-param-name]");
      select.setAttribute("aria-label", row.getAttribute("data-param-name"));
    });
    // The dialog's close button shows only a cross.
    root.querySelectorAll("button.close-modal:not([aria-label])").forEach(function (button) {
      button.setAttribute("aria-label", "Close");
    });
    // "Authorize" and "Logout" in the dialog are labelled "Apply credentials" / "Remove credentials".
    root.querySelectorAll(".auth-btn-wrapper button[aria-label]").forEach(function (button) {
      const shown = button.textContent.trim();
      if (shown && button.getAttribute("aria-label").indexOf(shown) === -1) {
        button.removeAttribute("aria-label");
      }
    });
  }

  const target = document.getElementById("swagger-ui");
  if (!target) {
    return;
  }
  new MutationObserver(function () {
    label(target);
  }).observe(target, { childList: true, subtree: true });
})();
