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

export function dispose(element) {
  const s = maps.get(element);
  if (!s) return;
  s.map.remove();
  maps.delete(element);
}

// Points the user can click (a list beside the map selects the same item); fits the view to them.
export function setPickablePoints(element, points, dotnetRef) {
  const s = maps.get(element);
  if (!s) return;
  const L = window.L;
  if (s.points) s.points.remove();
  s.points = L.layerGroup(points.map((p) => {
    const m = L.circleMarker([p.lat, p.lng], { radius: p.selected ? 9 : 6, color: p.color ?? "#c0392b", weight: p.selected ? 4 : 2 })
      .bindTooltip(p.label ?? "");
    if (dotnetRef && p.id) m.on("click", () => dotnetRef.invokeMethodAsync("OnPointClicked", String(p.id)));
    return m;
  })).addTo(s.map);
  if (points.length > 0 && !s.fitted) {
    s.map.fitBounds(L.latLngBounds(points.map((p) => [p.lat, p.lng])).pad(0.2), { maxZoom: 16 });
    s.fitted = true;
  }
}

export function fitZones(element) {
  const s = maps.get(element);
  if (s && s.zones) s.map.fitBounds(s.zones.getBounds().pad(0.05));
}

// The browser's position, if the user allows it; null otherwise (never blocks longer than the timeout).
export function currentPosition(timeoutMs) {
  return new Promise((resolve) => {
    if (!navigator.geolocation) { resolve(null); return; }
    let settled = false;
    const done = (v) => { if (!settled) { settled = true; resolve(v); } };
    // A permission prompt nobody answers must not hold the milestone up.
    setTimeout(() => done(null), (timeoutMs ?? 4000) + 500);
    navigator.geolocation.getCurrentPosition(
      (p) => done({ lat: p.coords.latitude, lng: p.coords.longitude }),
      () => done(null),
      { enableHighAccuracy: true, timeout: timeoutMs ?? 4000, maximumAge: 60000 });
  });
}
