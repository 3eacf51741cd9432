// CstPortal's map interop: the only code that talks to Leaflet. Blazor imports this module and
// calls the exported functions with a map id; everything coming back to .NET is plain numbers.
const maps = new Map();

const tileUrl = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const attribution = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

export function create(element, options) {
  const L = window.L;
  const map = L.map(element, { zoomControl: true }).setView([options.lat, options.lng], options.zoom ?? 13);
  // Tiles may fail offline; the map, pins and zones still work on a blank background.
  L.tileLayer(tileUrl, { maxZoom: 19, attribution }).addTo(map);
  const state = { map, marker: null, zones: null, points: null, dotnet: null };
  maps.set(element, state);
  return true;
}

export function setMarker(element, lat, lng, draggable) {
  const s = maps.get(element);
  if (!s) return;
  const L = window.L;
  if (s.marker) s.marker.setLatLng([lat, lng]);
  else {
    s.marker = L.marker([lat, lng], { draggable: !!draggable, keyboard: true, title: "Location" }).addTo(s.map);
    s.marker.on("dragend", (e) => notifyPick(s, e.target.getLatLng()));
  }
  s.map.panTo([lat, lng]);
}

export function enablePicking(element, dotnetRef) {
  const s = maps.get(element);
  if (!s) return;
  s.dotnet = dotnetRef;
  s.map.on("click", (e) => {
    setMarker(element, e.latlng.lat, e.latlng.lng, true);
    notifyPick(s, e.latlng);
  });
}

function notifyPick(s, latlng) {
  if (s.dotnet) s.dotnet.invokeMethodAsync("OnMapPicked", latlng.lat, latlng.lng);
}

export function setZones(element, geojson) {
  const s = maps.get(element);
  if (!s) return;
  const L = window.L;
  if (s.zones) s.zones.remove();
  s.zones = L.geoJSON(geojson, {
    style: () => ({ color: "#1e5aa8", weight: 2, fillOpacity: 0.05 }),
    onEachFeature: (f, layer) => layer.bindTooltip(String(f.properties?.name ?? "")),
  }).addTo(s.map);
}

export function setPoints(element, points) {
  const s = maps.get(element);
  if (!s) return;
  const L = window.L;
  if (s.points) s.points.remove();
  s.points = L.layerGroup(points.map((p) =>
    L.circleMarker([p.lat, p.lng], { radius: 6, color: p.color ?? "#c0392b" }).bindTooltip(p.label ?? ""))).addTo(s.map);
}

// Points as plain markers with a tooltip and, when given, a link (public map of open requests).
export function setLinkedPoints(element, points) {
  const s = maps.get(element);
  if (!s) return;
  const L = window.L;
  if (s.points) s.points.remove();
  s.points = L.layerGroup(points.map((p) => {
    const m = L.circleMarker([p.lat, p.lng], { radius: 7, color: p.color ?? "#c0392b", fillOpacity: 0.6 });
    const tip = document.createElement("span");
    tip.textContent = p.label ?? ""; // text, never HTML
    m.bindTooltip(tip);
    if (p.href) m.on("click", () => { window.location.assign(p.href); });
    return m;
  })).addTo(s.map);
}

export function fitBounds(element, minLat, minLng, maxLat, maxLng) {
  const s = maps.get(element);
  if (!s) return;
  s.map.fitBounds([[minLat, minLng], [maxLat, maxLng]], { padding: [8, 8] });
}

// The browser's position, if the person allows it: { lat, lng } or { error }.
export function locate() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) { resolve({ error: "unavailable" }); return; }
    navigator.geolocation.getCurrentPosition(
      (pos) => resolve({ lat: pos.coords.latitude, lng: pos.coords.longitude }),
      (err) => resolve({ error: err.code === 1 ? "denied" : "unavailable" }),
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
}

export function dispose(element) {
  const s = maps.get(element);
  if (!s) return;
  s.map.remove();
  maps.delete(element);
}
