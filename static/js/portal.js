// Small behaviours for server-rendered pages. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  // <form data-confirm="…"> asks before submitting (remove member, delete record).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

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
})();
