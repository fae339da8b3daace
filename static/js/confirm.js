// An accessible confirmation dialog in place of window.confirm() (issue 13).
// <form data-confirm="Question?"> asks before it submits; so does any htmx element with
// hx-confirm. The dialog is labelled by its question, takes the focus (on "Cancel", the safe
// choice), keeps Tab inside itself, cancels on Esc and gives the focus back to the trigger.
// No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  var dialog = null;
  var pending = null; // {onConfirm, trigger}

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("role", "alertdialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.setAttribute("aria-labelledby", "confirm-dialog-question");
    dialog.setAttribute("data-testid", "confirm-dialog");
    dialog.innerHTML =
      '<h2 id="confirm-dialog-question"></h2>' +
      '<div class="confirm-buttons">' +
      '<button type="button" class="btn btn-outline-secondary" data-confirm-cancel>Cancel</button>' +
      '<button type="button" class="btn btn-primary" data-confirm-ok>Confirm</button>' +
      "</div>";
    document.body.appendChild(dialog);
    dialog.querySelector("[data-confirm-cancel]").addEventListener("click", function () {
      finish(false);
    });
    dialog.querySelector("[data-confirm-ok]").addEventListener("click", function () {
      finish(true);
    });
    // Esc: the browser fires "cancel" on a modal dialog; close it ourselves to restore focus.
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault();
      finish(false);
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key !== "Tab") return;
      var buttons = dialog.querySelectorAll("button");
      var first = buttons[0];
      var last = buttons[buttons.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    });
  }

  function ask(question, okLabel, trigger, onConfirm) {
    if (!dialog) build();
    dialog.querySelector("#confirm-dialog-question").textContent = question;
    dialog.querySelector("[data-confirm-ok]").textContent = okLabel || "Confirm";
    pending = { onConfirm: onConfirm, trigger: trigger };
    dialog.showModal();
    dialog.querySelector("[data-confirm-cancel]").focus();
  }

  function finish(confirmed) {
    var done = pending;
    pending = null;
    dialog.close();
    if (!done) return;
    if (done.trigger && document.contains(done.trigger)) done.trigger.focus();
    if (confirmed) done.onConfirm();
  }

  function labelOf(button) {
    if (!button) return "";
    return (button.getAttribute("aria-label") || button.textContent || "").trim();
  }

  // Capture phase, so the question comes before any other submit handler sees the event.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var question = form.getAttribute && form.getAttribute("data-confirm");
      if (!question) return;
      if (form.dataset.confirmed === "yes") {
        delete form.dataset.confirmed;
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      var submitter = event.submitter || form.querySelector("[type=submit]");
      ask(question, labelOf(submitter), submitter, function () {
        form.dataset.confirmed = "yes";
        if (submitter && submitter.form === form) {
          form.requestSubmit(submitter);
        } else {
          form.requestSubmit();
        }
      });
    },
    true
  );

  // htmx asks through this event when an element has hx-confirm.
  document.addEventListener("htmx:confirm", function (event) {
    var question = event.detail && event.detail.question;
    if (!question) return;
    event.preventDefault();
    ask(question, labelOf(event.detail.elt), event.detail.elt, function () {
      event.detail.issueRequest(true);
    });
  });
})();
