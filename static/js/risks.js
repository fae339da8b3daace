// Risk form: the live score and level of both ratings (from the methodology in
// #risk-methodology) and the fieldsets that follow the category (the asset and control
// pickers are static/js/picker.js). The server computes what is stored.
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

  // --- Crosswalk suggestions beside the treatment controls ----------------------------
  // After choosing ISO27001 5.9, offer its ISO/IEC 42001 counterparts as one-click adds.
  var crosswalkSource = document.getElementById("control-crosswalk");
  var suggestions = form.querySelector("[data-crosswalk-suggestions]");
  var controlsPicker = form.querySelector("[data-record-picker][data-name='controls']");
  if (crosswalkSource && suggestions && controlsPicker) {
    var crosswalk = JSON.parse(crosswalkSource.textContent);
    var buttons = suggestions.querySelector("[data-crosswalk-buttons]");
    var chosenControls = function () {
      return Array.prototype.map.call(
        controlsPicker.querySelectorAll("[data-picker-chips] input[type=hidden]"),
        function (el) { return el.value; }
      );
    };
    var renderSuggestions = function () {
      var chosen = chosenControls();
      var offered = {};
      buttons.textContent = "";
      chosen.forEach(function (id) {
        (crosswalk[id] || []).forEach(function (item) {
          if (chosen.indexOf(item.id) !== -1 || offered[item.id]) {
            return;
          }
          offered[item.id] = true;
          var button = document.createElement("button");
          button.type = "button";
          button.className = "btn btn-sm btn-outline-primary crosswalk-add";
          button.setAttribute("data-control-id", item.id);
          button.setAttribute("aria-label", "Add " + item.label + " (" + item.relation + " counterpart)");
          var plus = document.createElement("i");
          plus.className = "bi bi-plus-lg";
          plus.setAttribute("aria-hidden", "true");
          button.appendChild(plus);
          button.appendChild(document.createTextNode(" " + item.label + " "));
          var relation = document.createElement("span");
          relation.className = "text-muted small";
          relation.textContent = "· " + item.relation;
          button.appendChild(relation);
          button.addEventListener("click", function () {
            controlsPicker.dispatchEvent(new CustomEvent("picker:add", { detail: { id: item.id, label: item.label } }));
          });
          buttons.appendChild(button);
        });
      });
      suggestions.hidden = buttons.childNodes.length === 0;
    };
    controlsPicker.addEventListener("picker:change", renderSuggestions);
    renderSuggestions();
  }
})();
