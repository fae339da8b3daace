// Risk form: the live score and level of both ratings (from the methodology in
// #risk-methodology), the fieldsets that follow the category, and type-to-narrow
// pickers for assets and controls. The server computes what is stored.
(function () {
  "use strict";

  var form = document.querySelector("form.risk-form");
  if (!form) {
    return;
  }
  var source = document.getElementById("risk-methodology");
  var methodology = source ? JSON.parse(source.textContent) : null;

  // --- Live score --------------------------------------------------------------
  var rating = function (name) {
    var select = form.querySelector("[data-rating='" + name + "']");
    var value = select ? parseInt(select.value, 10) : NaN;
    return isNaN(value) ? null : value;
  };

  var bandFor = function (score) {
    for (var i = 0; i < methodology.bands.length; i += 1) {
      var band = methodology.bands[i];
      if (score >= band.from && score <= band.to) {
        return band;
      }
    }
    return null;
  };

  var chip = function (band, score) {
    var outer = document.createElement("span");
    outer.className = "level-chip level-" + band.level;
    outer.appendChild(document.createTextNode(band.label + " "));
    var inner = document.createElement("span");
    inner.className = "level-score";
    inner.textContent = String(score);
    outer.appendChild(inner);
    return outer;
  };

  var show = function (kind, band, score) {
    form.parentNode.querySelectorAll("[data-score-for='" + kind + "']").forEach(function (target) {
      target.textContent = "";
      if (band) {
        target.appendChild(chip(band, score));
      } else {
        var muted = document.createElement("span");
        muted.className = "text-muted small";
        muted.textContent = kind === "residual" ? "Not rated yet" : "Rate likelihood and impact";
        target.appendChild(muted);
      }
    });
  };

  var update = function () {
    if (!methodology) {
      return;
    }
    var current = null;
    ["inherent", "residual"].forEach(function (kind) {
      var likelihood = rating(kind + "_likelihood");
      var impact = rating(kind + "_impact");
      if (likelihood && impact) {
        var score = likelihood * impact;
        var band = bandFor(score);
        show(kind, band, score);
        current = band;
      } else {
        show(kind, null, null);
      }
    });
    var note = document.querySelector("[data-appetite-note]");
    if (note) {
      note.hidden = !(current && methodology.ranks[current.level] > methodology.appetite_rank);
    }
  };

  form.querySelectorAll("[data-rating]").forEach(function (select) {
    select.addEventListener("change", update);
  });
  update();

  // --- Fieldsets that follow the category ----------------------------------------
  var category = form.querySelector("[data-risk-category]");
  var applyCategory = function () {
    var value = category ? category.value : "";
    form.querySelectorAll("fieldset[data-categories]").forEach(function (fieldset) {
      // Hidden, not disabled: values typed before a change of category are kept.
      fieldset.hidden = fieldset.getAttribute("data-categories").split(" ").indexOf(value) === -1;
    });
  };
  if (category) {
    category.addEventListener("change", applyCategory);
    applyCategory();
  }

  // --- Pickers: type to narrow, click to toggle, chosen items as removable chips ---------
  // The <select multiple> stays the form field (and works without script); a plain click
  // toggles an option instead of replacing the choice, and the chips under it show what is
  // chosen even when the filter hides it.
  var renderChips = function (select) {
    var box = form.querySelector("[data-chips-for='" + select.id + "']");
    if (!box) {
      return;
    }
    var chosen = Array.prototype.filter.call(select.options, function (option) {
      return option.selected;
    });
    box.textContent = "";
    if (!chosen.length) {
      var none = document.createElement("span");
      none.className = "text-muted";
      none.textContent = "None chosen yet.";
      box.appendChild(none);
      return;
    }
    var count = document.createElement("span");
    count.className = "picker-chips-count";
    count.textContent = chosen.length + " chosen";
    box.appendChild(count);
    chosen.forEach(function (option) {
      var chip = document.createElement("button");
      chip.type = "button";
      chip.className = "picker-chip";
      chip.title = "Remove " + option.textContent;
      chip.setAttribute("aria-label", "Remove " + option.textContent);
      chip.textContent = option.textContent + " ";
      var cross = document.createElement("i");
      cross.className = "bi bi-x";
      chip.appendChild(cross);
      chip.addEventListener("click", function () {
        option.selected = false;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      });
      box.appendChild(chip);
    });
  };

  form.querySelectorAll("select[multiple]").forEach(function (select) {
    select.addEventListener("mousedown", function (event) {
      var option = event.target;
      if (option.tagName !== "OPTION" || option.disabled || event.shiftKey) {
        return;
      }
      event.preventDefault();
      option.selected = !option.selected;
      select.focus();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    select.addEventListener("change", function () { renderChips(select); });
    renderChips(select);
  });

  form.querySelectorAll("input[data-filter-for]").forEach(function (input) {
    var select = document.getElementById(input.getAttribute("data-filter-for"));
    if (!select) {
      return;
    }
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(select.options, function (option) {
        var text = option.textContent.toLowerCase();
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        option.hidden = !(match || option.selected);
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
      });
    });
  });
})();
