/**
 * Devices on a map (Leaflet). Works offline: no basemap unless the deployment configures a tile URL; the markers
 * alone, coloured by category and state, over the devices' extent.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef } from 'react';
import { useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { DEVICES, type DevicesData } from '../graphql/documents';
import { useSession } from '../ui/session';
import { Empty, ErrorBox, Loading } from '../ui/states';

const COLOURS: Readonly<Record<string, string>> = {
  lighting: '#d4a000',
  water: '#1f6feb',
  energy: '#8250df',
  gas: '#bf3989',
  mobility: '#1a7f37',
  waste: '#6e7781',
  environment: '#0a7d8c',
};

export function MapPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [{ data, error, fetching }] = useQuery<DevicesData>({ query: DEVICES, variables: { first: 500 } });
  const box = useRef<HTMLDivElement>(null);
  const devices = (data?.devices.edges.map((e) => e.node) ?? []).filter((d) => d.location);

  useEffect(() => {
    if (!box.current || devices.length === 0) return undefined;
    const map = L.map(box.current, { preferCanvas: true });
    if (session.tileUrl) L.tileLayer(session.tileUrl, { maxZoom: 19 }).addTo(map);
    const bounds = L.latLngBounds([]);
    for (const d of devices) {
      if (!d.location) continue;
      const at = L.latLng(d.location.latitude, d.location.longitude);
      bounds.extend(at);
      const alarm = d.activeAlarms.length > 0;
      L.circleMarker(at, {
        radius: 7,
        color: alarm ? '#cf222e' : d.online ? '#24292f' : '#8c959f',
        weight: alarm ? 3 : 1,
        fillColor: COLOURS[d.category ?? ''] ?? '#57606a',
        fillOpacity: d.online ? 0.9 : 0.35,
      })
        .bindTooltip(
          `${d.name ?? d.endpoint} · ${d.category ?? 'other'} · ${d.online ? 'online' : 'offline'}${alarm ? ' · alarm' : ''}`,
        )
        .on('click', () => void navigate(`/devices/${encodeURIComponent(d.id)}`))
        .addTo(map);
    }
    map.fitBounds(bounds.pad(0.1));
    return () => void map.remove();
  }, [devices, session.tileUrl, navigate]);

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
      </ul>
      {error && <ErrorBox error={error} />}
      {fetching && !data && <Loading what="devices" />}
      {data && devices.length === 0 && <Empty>No device has a location.</Empty>}
      <div ref={box} className="map" role="region" aria-label="Device map" />
    </>
  );
}
