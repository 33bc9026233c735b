/**
 * Devices on a map (Leaflet). Works offline: no basemap unless the deployment configures a tile URL; the markers,
 * coloured by category and state, over the devices' extent. Nearby devices are clustered at low zoom. The devices
 * are refreshed every 10 s; the map keeps the operator's zoom and position.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { type DeviceRow, DEVICES, type DevicesData } from '../graphql/documents';
import { clusterByDistance } from '../map/cluster';
import { deviceLabelNode } from '../map/labels';
import { markersKey } from '../map/marker-key';
import { useSession } from '../ui/session';
import { Empty, ErrorBox, Loading } from '../ui/states';
import { usePolling } from '../ui/use-polling';

const COLOURS: Readonly<Record<string, string>> = {
  lighting: '#d4a000',
  water: '#1f6feb',
  energy: '#8250df',
  gas: '#bf3989',
  mobility: '#1a7f37',
  waste: '#6e7781',
  environment: '#0a7d8c',
};
/** At this zoom and above every device has its own marker. */
const NO_CLUSTER_ZOOM = 17;
const CLUSTER_RADIUS_PX = 40;
/** The markers' states (online, alarms) are refreshed this often. */
const REFRESH_MS = 10_000;

type Located = DeviceRow & { location: { latitude: number; longitude: number } };

export function MapPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [{ data, error, fetching }, reexecute] = useQuery<DevicesData>({
    query: DEVICES,
    variables: { first: 500 },
  });
  const poll = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  usePolling(poll, REFRESH_MS);
  const box = useRef<HTMLDivElement>(null);
  const view = useRef<{ map: L.Map; layer: L.LayerGroup; fitted: boolean } | null>(null);
  const drawRef = useRef<() => void>(() => undefined);
  const navigateRef = useRef(navigate);
  navigateRef.current = navigate;
  const located = useMemo(
    () => (data?.devices.edges.map((e) => e.node) ?? []).filter((d): d is Located => d.location !== null),
    [data],
  );
  // Every refresh gives new objects: keep the previous list while what the markers show is the same.
  const key = markersKey(located);
  const devices = useMemo(() => located, [key]);

  // The map itself is built once per page (and tile URL): refreshes only redraw its markers, so the operator's zoom
  // and position stay.
  useEffect(() => {
    if (!box.current) return undefined;
    const map = L.map(box.current, { keyboard: true });
    if (session.tileUrl) L.tileLayer(session.tileUrl, { maxZoom: 19 }).addTo(map);
    const layer = L.layerGroup().addTo(map);
    view.current = { map, layer, fitted: false };
    map.on('zoomend', () => drawRef.current());
    return () => {
      view.current = null;
      map.remove();
    };
  }, [session.tileUrl]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    if (devices.length === 0) {
      v.layer.clearLayers();
      return;
    }
    const { map, layer } = v;
    const latLng = (d: Located): L.LatLng => L.latLng(d.location.latitude, d.location.longitude);
    const draw = (): void => {
      layer.clearLayers();
      const radius = map.getZoom() >= NO_CLUSTER_ZOOM ? 0 : CLUSTER_RADIUS_PX;
      for (const c of clusterByDistance(devices, (d) => map.latLngToLayerPoint(latLng(d)), radius)) {
        const first = c.items[0];
        if (!first) continue;
        if (c.items.length > 1 && radius > 0) {
          const at = map.layerPointToLatLng(L.point(c.x, c.y));
          const alarms = c.items.some((d) => d.activeAlarms.length > 0);
          L.marker(at, {
            icon: L.divIcon({
              className: `cluster${alarms ? ' cluster-alarm' : ''}`,
              // Only a number of ours goes in as html (Leaflet sets divIcon html with innerHTML): never device text.
              html: String(c.items.length),
              iconSize: [34, 34],
            }),
            title: `${c.items.length} devices`,
            alt: `${c.items.length} devices`,
          })
            .on('click', () => map.fitBounds(L.latLngBounds(c.items.map(latLng)).pad(0.2)))
            .addTo(layer);
          continue;
        }
        for (const d of c.items) {
          const alarm = d.activeAlarms.length > 0;
          L.circleMarker(latLng(d), {
            radius: 8,
            color: alarm ? '#cf222e' : d.online ? '#24292f' : '#8c959f',
            weight: alarm ? 3 : 1,
            fillColor: COLOURS[d.category ?? ''] ?? '#57606a',
            fillOpacity: d.online ? 0.9 : 0.35,
            className: `device-marker device-${d.endpoint}`,
          })
            .bindTooltip(deviceLabelNode(d))
            .on('click', () => void navigateRef.current(`/devices/${encodeURIComponent(d.id)}`))
            .addTo(layer);
        }
      }
    };
    drawRef.current = draw;
    if (v.fitted) {
      draw();
    } else {
      // Fitting fires zoomend (a draw) only when the zoom changes: draw in any case.
      v.fitted = true;
      map.fitBounds(L.latLngBounds(devices.map(latLng)).pad(0.1), { maxZoom: 18 });
      draw();
    }
    // The tile URL rebuilds the map (above): draw on the new one.
  }, [devices, session.tileUrl]);

  return (
    <>
      <h1>Map</h1>
      <ul className="legend" aria-label="Legend">
        {Object.entries(COLOURS).map(([c, colour]) => (
          <li key={c}>
            <span className="dot" style={{ background: colour }} /> {c}
          </li>
        ))}
        <li>
          <span className="dot ring-alarm" /> active alarm
        </li>
        <li>
          <span className="dot faded" /> offline
        </li>
        <li>
          <span className="dot cluster-dot">n</span> n devices (click to zoom)
        </li>
      </ul>
      {error && <ErrorBox error={error} />}
      {fetching && !data && <Loading what="devices" />}
      {data && devices.length === 0 && <Empty>No device has a location.</Empty>}
      <div ref={box} className="map" role="region" aria-label="Device map" />
    </>
  );
}
