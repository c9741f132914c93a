/* Map of projects: reads the points from #carte-points (JSON), clusters them with Leaflet.markercluster. */
(function () {
  "use strict";
  var element = document.getElementById("carte");
  var data = document.getElementById("carte-points");
  if (!element || !data || typeof L === "undefined") {
    return;
  }
  var points = JSON.parse(data.textContent || "[]");
  element.textContent = "";
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tileUrl, {
    attribution: element.dataset.tileAttribution,
    maxZoom: 18,
  }).addTo(map);

  function popup(id, title) {
    var link = document.createElement("a");
    link.href = element.dataset.projectUrl + encodeURIComponent(id);
    link.textContent = title; // text, never HTML
    return link;
  }

  var cluster = L.markerClusterGroup({ showCoverageOnHover: false });
  points.forEach(function (point) {
    var marker = L.marker([point[1], point[2]], { title: point[3], alt: point[3] });
    marker.bindPopup(popup(point[0], point[3]));
    cluster.addLayer(marker);
  });
  map.addLayer(cluster);
  if (points.length === 1) {
    map.setView([points[0][1], points[0][2]], 12);
  } else if (points.length > 1) {
    map.fitBounds(cluster.getBounds(), { maxZoom: 13, padding: [20, 20] });
  } else {
    map.setView([46.6, 2.4], 5);
  }
})();
