/**
 * Starts OpenTelemetry when telemetry is on: the Azure Monitor distro (APPLICATIONINSIGHTS_CONNECTION_STRING) and/or
 * OTLP over HTTP exporters for traces and metrics, and the Azure SDK's own tracing (the Service Bus SDK's spans, and
 * the Diagnostic-Id it reads). Everything is imported here, on demand, so with telemetry off none of it is loaded.
 */
import { metrics } from "@opentelemetry/api";
import type { Meter } from "@opentelemetry/api";
import type { OtlpProtocol, TelemetrySettings } from "./telemetry-settings.js";

/** Running telemetry. */
export interface Telemetry {
  /** The API's meter (requests, Service Bus errors). */
  readonly meter: Meter;
  /** Exports what is buffered, then stops. */
  shutdown(): Promise<void>;
}

/** The name of the API's tracer and meter. */
export const INSTRUMENTATION_NAME = "service-bus-bridge";

async function otlpExporters(protocol: OtlpProtocol) {
  if (protocol === "http/json") {
    const [{ OTLPTraceExporter }, { OTLPMetricExporter }] = await Promise.all([
      import("@opentelemetry/exporter-trace-otlp-http"),
      import("@opentelemetry/exporter-metrics-otlp-http"),
    ]);
    return { traces: new OTLPTraceExporter(), metrics: new OTLPMetricExporter() };
  }
  const [{ OTLPTraceExporter }, { OTLPMetricExporter }] = await Promise.all([
    import("@opentelemetry/exporter-trace-otlp-proto"),
    import("@opentelemetry/exporter-metrics-otlp-proto"),
  ]);
  return { traces: new OTLPTraceExporter(), metrics: new OTLPMetricExporter() };
}

/**
 * Lets the Azure SDK (already loaded: the API imports @azure/service-bus statically) create OpenTelemetry spans.
 * The instrumentation normally does this when @azure/core-tracing is first required; here it is applied to the
 * loaded module, whose instrumenter state @azure/core-tracing shares between its CommonJS and ES module builds.
 */
async function instrumentAzureSdk(): Promise<void> {
  const [{ AzureSdkInstrumentation }, coreTracing] = await Promise.all([
    import("@azure/opentelemetry-instrumentation-azure-sdk"),
    import("@azure/core-tracing"),
  ]);
  // Not enabled: no require hook is needed, the patch below is applied by hand.
  const instrumentation = new AzureSdkInstrumentation({ enabled: false });
  for (const definition of instrumentation.getModuleDefinitions()) definition.patch?.({ ...coreTracing }, undefined);
}

/** Starts the exporters the settings name, registers the global tracer and meter providers, and instruments the Azure SDK. */
export async function startTelemetry(settings: TelemetrySettings): Promise<Telemetry> {
  const [{ BatchSpanProcessor }, { PeriodicExportingMetricReader }] = await Promise.all([
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/sdk-metrics"),
  ]);
  const otlp = settings.otlp ? await otlpExporters(settings.otlp.protocol) : undefined;
  const spanProcessors = otlp ? [new BatchSpanProcessor(otlp.traces)] : [];
  const metricReaders = otlp ? [new PeriodicExportingMetricReader({ exporter: otlp.metrics, exportIntervalMillis: settings.metricExportIntervalInMs })] : [];
  let shutdown: () => Promise<void>;
  if (settings.azureMonitorConnectionString !== undefined) {
    const { useAzureMonitor, shutdownAzureMonitor } = await import("@azure/monitor-opentelemetry");
    useAzureMonitor({
      azureMonitorExporterOptions: { connectionString: settings.azureMonitorConnectionString },
      // The server spans come from the API's own middleware (one per request, named by operation).
      instrumentationOptions: { http: { enabled: false }, azureSdk: { enabled: true } },
      ...(spanProcessors.length > 0 ? { spanProcessors: spanProcessors as never } : {}),
      ...(metricReaders.length > 0 ? { metricReaders: metricReaders as never } : {}),
    });
    shutdown = shutdownAzureMonitor;
  } else {
    const [{ NodeTracerProvider }, { MeterProvider }, { resourceFromAttributes }] = await Promise.all([
      import("@opentelemetry/sdk-trace-node"),
      import("@opentelemetry/sdk-metrics"),
      import("@opentelemetry/resources"),
    ]);
    const resource = resourceFromAttributes({ "service.name": settings.serviceName });
    const tracerProvider = new NodeTracerProvider({ resource, spanProcessors });
    // The AsyncLocalStorage context manager and the W3C trace context propagator.
    tracerProvider.register();
    const meterProvider = new MeterProvider({ resource, readers: metricReaders });
    metrics.setGlobalMeterProvider(meterProvider);
    shutdown = async () => {
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
    };
  }
  await instrumentAzureSdk();
  return { meter: metrics.getMeter(INSTRUMENTATION_NAME), shutdown };
}
