/* Commune picker of contribution forms. Suggestions while typing come from web/autocomplete.js
   (data-suggest-target: the chosen commune's value goes to the hidden commune_code field); here, a
   click on the map, which the server turns into a commune. Without JavaScript, the typed name is
   resolved by the server. Content is always inserted as text, never as HTML. */
(function () {
  "use strict";
  var input = document.querySelector("input[data-commune-picker]");
  var element = document.getElementById("carte-commune");
  if (!input || !element || !window.fetch) {
    return;
  }
  var form = input.form;
  var code = form.elements.commune_code;
  var latitude = form.elements.latitude;
  var longitude = form.elements.longitude;
  var status = document.getElementById("commune-choisie");
  var marker = null;

  function say(text) {
    status.textContent = text;
  }

  function pointForget() {
    latitude.value = "";
    longitude.value = "";
    if (marker) {
      marker.remove();
      marker = null;
    }
  }

  input.addEventListener("input", function () {
    // Typed again: the commune chosen before no longer applies (the server resolves the text).
    code.value = "";
    pointForget();
  });
  input.addEventListener("change", function () {
    if (code.value) {
      say("Commune choisie : " + input.value);
    }
  });

  if (typeof L === "undefined") {
    return;
  }
  element.hidden = false;
  var map = L.map(element, { scrollWheelZoom: false, keyboard: true, minZoom: 2 });
  L.tileLayer(element.dataset.tileUrl, { attribution: element.dataset.tileAttribution, maxZoom: 18 }).addTo(map);
  map.setView([46.6, 2.4], 5);
  map.on("click", function (event) {
    var point = event.latlng;
    var url = element.dataset.locateUrl + "?lat=" + point.lat.toFixed(5) + "&lon=" + point.lng.toFixed(5);
    fetch(url)
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (!data.code) {
          say(data.error || "Aucune commune à cet endroit.");
          return;
        }
        input.value = data.label;
        code.value = data.code;
        latitude.value = point.lat.toFixed(5);
        longitude.value = point.lng.toFixed(5);
        if (marker) {
          marker.setLatLng(point);
        } else {
          marker = L.marker(point, { title: data.label, alt: data.label, keyboard: true }).addTo(map);
        }
        say("Commune choisie sur la carte : " + data.label);
      })
      .catch(function () { say("La commune n'a pas pu être trouvée : tapez son nom."); });
  });
})();
