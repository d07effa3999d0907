// The image's HEALTHCHECK: GET /health/live on the app's own port (the variable naming it and its
// default are set per image in the Dockerfile), exit 0 when it answers 2xx within 2 s.
const variable = process.env.WXOP_HEALTH_PORT_VARIABLE || '';
const port = process.env[variable] || process.env.WXOP_HEALTH_PORT_DEFAULT;

fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(2000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
