// The image's HEALTHCHECK: `serve` answers /health on PORT, `worker` on WORKER_METRICS_PORT.
// Exit 0 when either answers 200; one-shot commands (migrate, backup) are not long enough to matter.
const ports = [process.env.PORT || '3000', process.env.WORKER_METRICS_PORT || '9464'];
const probe = async (port) => {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(4000) });
    return res.ok;
  } catch {
    return false;
  }
};
const results = await Promise.all(ports.map(probe));
process.exit(results.some(Boolean) ? 0 : 1);
