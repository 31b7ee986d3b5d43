// Builds the Fastify instance: plugins, error shape, OpenAPI, routes. No listening here.
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../errors.ts';
import { createReadiness, type ReadinessRegistry } from '../observability/readiness.ts';
import { sentryPlugin } from '../observability/sentry.ts';
import type { Runtime } from '../runtime.ts';
import { authPlugin } from './auth.ts';
import { installBodyParsers } from './body-parsers.ts';
import { answerClientError, installErrorHandling, sendError } from './error-handler.ts';
import { withErrorResponses } from './openapi-errors.ts';
import { transformRouteSchema } from './openapi-response-headers.ts';
import { csrfPlugin } from './plugins/csrf.ts';
import { httpMetricsPlugin } from './plugins/http-metrics.ts';
import { rateLimitPlugin } from './plugins/rate-limit.ts';
import { requestLogPlugin } from './plugins/request-log.ts';
import { securityPlugin } from './plugins/security.ts';
import { openApiVersion, serializerCompiler } from './response-serializer.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { articleEstimateRoutes } from './routes/article-estimate.ts';
import { articleEventRoutes, eventSocketPath } from './routes/article-events.ts';
import { articleExportRoutes } from './routes/article-export.ts';
import { articleOriginalityRoutes } from './routes/article-originality.ts';
import { articlePublicationRoutes } from './routes/article-publications.ts';
import { articleRegenerationRoutes } from './routes/article-regeneration.ts';
import { articleRemixRoutes } from './routes/article-remix.ts';
import { articleReviewRoutes } from './routes/article-review.ts';
import { articleVersionRoutes } from './routes/article-versions.ts';
import { articleRoutes } from './routes/articles.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { brandVoiceRoutes } from './routes/brand-voices.ts';
import { documentOperationRoutes } from './routes/document-operations.ts';
import { documentRoutes } from './routes/documents.ts';
import { evalReportRoutes } from './routes/eval-reports.ts';
import { healthRoutes } from './routes/health.ts';
import { invitationRoutes } from './routes/invitations.ts';
import { knowledgeRoutes } from './routes/knowledge.ts';
import { llmCheckRoutes } from './routes/llm-check.ts';
import { llmModelRoutes } from './routes/llm-models.ts';
import { llmPriceRoutes } from './routes/llm-prices.ts';
import { llmProviderRoutes } from './routes/llm-providers.ts';
import { llmSettingsRoutes } from './routes/llm-settings.ts';
import { memberRoutes } from './routes/members.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { ownSessionRoutes } from './routes/own-sessions.ts';
import { publishingRoutes } from './routes/publishing.ts';
import { setupRoutes } from './routes/setup.ts';
import { toolRoutes } from './routes/tools.ts';
import { usageRoutes } from './routes/usage.ts';
import { webAppRoutes } from './routes/web-app.ts';
import { webhookRoutes } from './routes/webhooks.ts';

declare module 'fastify' {
  interface FastifyInstance {
    runtime: Runtime;
    /** Named readiness checks behind /health/ready; add one with `app.readiness.add(check)`. */
    readiness: ReadinessRegistry;
  }
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

const requestIdPattern = /^[\w.:-]{1,128}$/;

export interface ServerOptions {
  /**
   * One log line per request (plugins/request-log.ts). Off for the API a command runs in its own
   * process: the command prints each refusal itself, and a bug's stack is still logged by the error
   * handler ('unhandled error').
   */
  requestLog?: boolean;
}

export async function buildServer(runtime: Runtime, options: ServerOptions = {}): Promise<App> {
  const { config } = runtime;
  const trust = config.TRUST_PROXY;
  const app = Fastify({
    loggerInstance: runtime.logger as FastifyBaseLogger,
    bodyLimit: Math.floor(config.MAX_BODY_MB * 1024 * 1024),
    // A count of proxies is Fastify's hop function: its own number form trusts no hop at all.
    trustProxy: typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust,
    // plugins/request-log.ts writes one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    // Accept the caller's X-Request-ID when it is sane, otherwise mint one.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
    // Errors the router raises before any hook runs (malformed URL, over-long path parameter).
    frameworkErrors: (error, request, reply) =>
      sendError(reply, request, 'validation_error', error.message || 'Malformed request URL'),
    // Requests Node's HTTP parser refuses before Fastify sees them (headers over 16 KB, bad framing)
    // still get the one error shape.
    clientErrorHandler: answerClientError,
  }).withTypeProvider<ZodTypeProvider>();

  app.decorate('runtime', runtime);
  app.decorate('readiness', createReadiness(runtime));
  app.setValidatorCompiler(validatorCompiler);
  installBodyParsers(app);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  installErrorHandling(app);
  // A WebSocket handshake to a path that takes none is refused before the upgrade, in the error
  // shape: it was upgraded (101) and the socket closed at once, with no code to say why.
  app.addHook('onRequest', async (request, reply) => {
    if (
      request.headers.upgrade?.toLowerCase() !== 'websocket' ||
      request.routeOptions.url === eventSocketPath
    )
      return;
    // The handshake's socket is Node's no longer once it asked to upgrade: closed after the answer.
    reply.header('connection', 'close');
    reply.raw.once('finish', () => request.raw.socket?.destroy());
    throw new AppError(
      'not_found',
      `${request.url.split('?')[0]} takes no WebSocket: connect to ${eventSocketPath}`,
    );
  });
  if (options.requestLog !== false) await app.register(requestLogPlugin);
  await app.register(httpMetricsPlugin);
  await app.register(sentryPlugin);
  await app.register(securityPlugin, config);
  // Before any route: the limiter attaches itself to routes as they are registered.
  await app.register(rateLimitPlugin, runtime);
  await app.register(csrfPlugin, config);

  await app.register(swagger, {
    openapi: {
      openapi: openApiVersion,
      info: { title: 'Blogsmith API', version: '1' },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'API key: `Authorization: Bearer bsk_...`' },
          session: { type: 'apiKey', in: 'cookie', name: 'blogsmith_session' },
        },
      },
    },
    transform: transformRouteSchema,
    transformObject: (documents) =>
      'openapiObject' in documents ? withErrorResponses(documents) : documents.swaggerObject,
  });
  if (config.DOCS_ENABLED) {
    await app.register(swaggerUi, { routePrefix: '/docs' });
  }

  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(authPlugin);
  await app.register(setupRoutes, { prefix: '/api/v1/setup' });
  await app.register(authRoutes, { prefix: '/api/v1' });
  await app.register(ownSessionRoutes, { prefix: '/api/v1' });
  await app.register(apiKeyRoutes, { prefix: '/api/v1/api-keys' });
  await app.register(memberRoutes, { prefix: '/api/v1/members' });
  await app.register(invitationRoutes, { prefix: '/api/v1/invitations' });
  await app.register(auditRoutes, { prefix: '/api/v1/audit' });
  await app.register(usageRoutes, { prefix: '/api/v1/usage' });
  await app.register(llmSettingsRoutes, { prefix: '/api/v1/llm' });
  await app.register(llmProviderRoutes, { prefix: '/api/v1/llm' });
  await app.register(llmCheckRoutes, { prefix: '/api/v1/llm' });
  await app.register(llmModelRoutes, { prefix: '/api/v1/llm' });
  await app.register(llmPriceRoutes, { prefix: '/api/v1/llm' });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(articleRoutes, { prefix: '/api/v1/articles' });
  await app.register(articleExportRoutes, { prefix: '/api/v1/articles' });
  await app.register(articleVersionRoutes, { prefix: '/api/v1/articles' });
  await app.register(articleEstimateRoutes, { prefix: '/api/v1/articles' });
  await app.register(articleReviewRoutes, { prefix: '/api/v1/articles' });
  await app.register(articleOriginalityRoutes, { prefix: '/api/v1/articles' });
  await app.register(articleRegenerationRoutes, { prefix: '/api/v1/articles' });
  await app.register(articleRemixRoutes, { prefix: '/api/v1/articles' });
  await app.register(articlePublicationRoutes, { prefix: '/api/v1/articles' });
  await app.register(articleEventRoutes, { prefix: '/api/v1' });
  await app.register(brandVoiceRoutes, { prefix: '/api/v1/brand-voices' });
  await app.register(toolRoutes, { prefix: '/api/v1/tools' });
  await app.register(documentRoutes, { prefix: '/api/v1/documents' });
  await app.register(documentOperationRoutes, { prefix: '/api/v1/documents' });
  await app.register(evalReportRoutes, { prefix: '/api/v1/eval/reports' });
  await app.register(webhookRoutes, { prefix: '/api/v1/webhooks' });
  await app.register(publishingRoutes, { prefix: '/api/v1/publishing' });
  await app.register(knowledgeRoutes, { prefix: '/api/v1/knowledge' });
  await app.register(webAppRoutes); // last: the browser app's SPA fallback
  return app;
}
