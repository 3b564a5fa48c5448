/**
 * Whether and where telemetry goes, from the standard variables: APPLICATIONINSIGHTS_CONNECTION_STRING (Azure
 * Monitor) and/or OTEL_EXPORTER_OTLP_ENDPOINT (OTLP over HTTP, OTEL_EXPORTER_OTLP_PROTOCOL http/protobuf, the
 * default, or http/json). Neither set, or OTEL_SDK_DISABLED=true: telemetry is off and nothing of it is loaded.
 */
import { ConfigError } from "../config/config-error.js";

/** The OTLP encodings over HTTP the API sends. */
export const OTLP_PROTOCOLS = ["http/protobuf", "http/json"] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/** Where telemetry goes (at least one of the two). */
export interface TelemetrySettings {
  serviceName: string;
  azureMonitorConnectionString?: string;
  /** The exporters read OTEL_EXPORTER_OTLP_ENDPOINT (and the signal-specific variables) themselves. */
  otlp?: { protocol: OtlpProtocol };
  /** How often metrics are exported (OTEL_METRIC_EXPORT_INTERVAL, default 60 s). */
  metricExportIntervalInMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The variables read here (the OpenTelemetry exporters read more of the OTEL_* ones themselves). */
export const TELEMETRY_ENV_VARS = [
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_PROTOCOL",
  "OTEL_SERVICE_NAME",
  "OTEL_SDK_DISABLED",
  "OTEL_METRIC_EXPORT_INTERVAL",
] as const;

/**
 * The telemetry settings, or undefined when telemetry is off.
 * @throws ConfigError naming the variable at fault.
 */
export function telemetrySettings(env: Env): TelemetrySettings | undefined {
  if ((env["OTEL_SDK_DISABLED"] ?? "").toLowerCase() === "true") return undefined;
  const connectionString = env["APPLICATIONINSIGHTS_CONNECTION_STRING"] || undefined;
  const endpoint = env["OTEL_EXPORTER_OTLP_ENDPOINT"] || undefined;
  if (connectionString === undefined && endpoint === undefined) return undefined;
  if (connectionString !== undefined && !/InstrumentationKey=/i.test(connectionString)) {
    throw new ConfigError(
      "APPLICATIONINSIGHTS_CONNECTION_STRING",
      "must be an Application Insights connection string (InstrumentationKey=...;IngestionEndpoint=...)",
    );
  }
  let otlp: TelemetrySettings["otlp"];
  if (endpoint !== undefined) {
    if (!/^https?:\/\/[^\s]+$/.test(endpoint)) throw new ConfigError("OTEL_EXPORTER_OTLP_ENDPOINT", `must be an http(s) URL, got '${endpoint}'`);
    const protocol = env["OTEL_EXPORTER_OTLP_PROTOCOL"] || "http/protobuf";
    if (!(OTLP_PROTOCOLS as readonly string[]).includes(protocol)) {
      throw new ConfigError("OTEL_EXPORTER_OTLP_PROTOCOL", `must be ${OTLP_PROTOCOLS.join(" or ")} (OTLP over HTTP), got '${protocol}'`);
    }
    otlp = { protocol: protocol as OtlpProtocol };
  }
  const interval = env["OTEL_METRIC_EXPORT_INTERVAL"] || "60000";
  if (!/^\d+$/.test(interval) || Number(interval) < 100 || Number(interval) > 3_600_000) {
    throw new ConfigError("OTEL_METRIC_EXPORT_INTERVAL", `must be a whole number of milliseconds from 100 to 3600000, got '${interval}'`);
  }
  return {
    serviceName: env["OTEL_SERVICE_NAME"] || "service-bus-bridge",
    metricExportIntervalInMs: Number(interval),
    ...(connectionString !== undefined ? { azureMonitorConnectionString: connectionString } : {}),
    ...(otlp ? { otlp } : {}),
  };
}
