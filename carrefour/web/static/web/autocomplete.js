/* Autocomplete (WAI-ARIA combobox with a list box): arrows to move, Enter to choose, Escape to close.
   Search box: choosing a suggestion opens its page. A field with data-suggest-param (territory):
   suggestions come from /api/v1/suggest, and choosing one fills the field with its value (or, with
   data-suggest-target, shows its label and puts its value in that field: the commune picker). */
(function () {
  "use strict";
  if (!window.fetch) {
    return;
  }

  function setup(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var live = list ? document.getElementById(list.id + "-statut") : null;
    var param = input.dataset.suggestParam || "";
    if (!list) {
      return;
    }
    var items = [];
    var active = -1;
    var timer = null;
    var requestId = 0;

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      items = [];
      active = -1;
    }

    function choose(item) {
      if (param) {
        var target = input.dataset.suggestTarget ? document.getElementById(input.dataset.suggestTarget) : null;
        input.value = target ? item.label : item.value;
        if (target) {
          target.value = item.value;
        }
        close();
        input.dispatchEvent(new Event("change", { bubbles: true }));
      } else {
        window.location.href = item.url;
      }
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(suggestions) {
      close();
      items = param ? suggestions.filter(function (s) { return s.param === param; }) : suggestions;
      if (!items.length) {
        return;
      }
      items.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = item.label;
        var kind = document.createElement("span");
        kind.className = "carrefour-kind";
        kind.textContent = param ? "Commune" : item.kind;
        option.appendChild(kind);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(item);
        });
        list.appendChild(option);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      if (live) {
        live.textContent = items.length + " suggestion" + (items.length > 1 ? "s" : "") + " : flèches haut et bas pour les parcourir.";
      }
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2) {
        close();
        return;
      }
      timer = setTimeout(function () {
        var id = ++requestId;
        fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(text))
          .then(function (response) { return response.json(); })
          .then(function (data) {
            if (id === requestId) {
              show(data.suggestions || []);
            }
          })
          .catch(close);
      }, 150);
    });

    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Escape") {
        close();
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(items[active]);
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.querySelectorAll("input[data-suggest-url]").forEach(setup);
})();
