// `blogsmith worker` has no HTTP API, yet Prometheus must see it (the "worker absent" alert is
// `up == 0`/absent) and Kubernetes must probe it: a minimal listener for /metrics and /health.
// /metrics asks for METRICS_TOKEN as the API's does; /health is open (probes carry no token).
import { createServer, type Server } from 'node:http';
import { metricsRegistry } from './metrics.ts';
import { metricsScrapeAllowed } from './metrics-access.ts';

export async function startMetricsServer(host: string, port: number, token?: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      if (!metricsScrapeAllowed(req.headers.authorization, token)) {
        res
          .writeHead(401, {
            'content-type': 'application/json',
            'www-authenticate': 'Bearer realm="metrics"',
          })
          .end(
            JSON.stringify({
              error: {
                code: 'unauthenticated',
                message: 'Metrics need Authorization: Bearer <METRICS_TOKEN>',
              },
            }),
          );
        return;
      }
      metricsRegistry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    if (req.method === 'GET' && path === '/health') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'ok', uptime_s: Math.round(process.uptime()) }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
