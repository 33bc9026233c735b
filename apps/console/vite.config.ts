// Development server and static build of the console. In development and preview the GraphQL API is proxied
// (HTTP and graphql-ws) from the console's own origin to the gateway, so the browser talks to one origin only;
// GATEWAY_URL chooses the gateway (default: the local one). A built console is served next to the gateway the same
// way (ingress), or points elsewhere through public/config.json.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const gateway = process.env.GATEWAY_URL || 'http://127.0.0.1:4000';
const proxy = { '/graphql': { target: gateway, ws: true, changeOrigin: true } };

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port: 3000, strictPort: true, proxy },
  preview: { host: '127.0.0.1', port: 3000, strictPort: true, proxy },
  build: { outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 1500 },
});
