import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../../api/src/config/config-error.js";
import { telemetrySettings } from "../../../../api/src/telemetry/telemetry-settings.js";

const CONNECTION_STRING = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/";

function errorOf(env: Record<string, string>): ConfigError {
  try {
    telemetrySettings(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("telemetrySettings", () => {
  it("is off without APPLICATIONINSIGHTS_CONNECTION_STRING and OTEL_EXPORTER_OTLP_ENDPOINT, or with OTEL_SDK_DISABLED", () => {
    expect(telemetrySettings({})).toBeUndefined();
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" })).toBeUndefined();
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" })).toBeUndefined();
  });

  it("takes OTLP over HTTP, http/protobuf by default, and Azure Monitor, together or alone", () => {
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).toEqual({
      serviceName: "service-bus-bridge",
      otlp: { protocol: "http/protobuf" },
      metricExportIntervalInMs: 60_000,
    });
    expect(
      telemetrySettings({
        APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION_STRING,
        OTEL_EXPORTER_OTLP_ENDPOINT: "https://c:4318",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_SERVICE_NAME: "bridge-eu",
      }),
    ).toEqual({
      serviceName: "bridge-eu",
      azureMonitorConnectionString: CONNECTION_STRING,
      otlp: { protocol: "http/json" },
      metricExportIntervalInMs: 60_000,
    });
  });

  it("names the variable at fault", () => {
    expect(errorOf({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4317", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }).message).toMatch(
      /^OTEL_EXPORTER_OTLP_PROTOCOL: .*http\/protobuf or http\/json/,
    );
    expect(errorOf({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }).message).toMatch(/^OTEL_EXPORTER_OTLP_ENDPOINT: /);
    expect(errorOf({ APPLICATIONINSIGHTS_CONNECTION_STRING: "Endpoint=sb://x" }).message).toMatch(/^APPLICATIONINSIGHTS_CONNECTION_STRING: /);
    expect(errorOf({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_METRIC_EXPORT_INTERVAL: "soon" }).message).toMatch(/^OTEL_METRIC_EXPORT_INTERVAL: /);
  });
});
