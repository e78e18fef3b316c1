using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace BedrockNovaProxy.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>OpenTelemetry for the process: ASP.NET Core, HttpClient and runtime metrics and traces, and logs.
    /// Exported over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set (the AppHost sets it), so nothing leaves the
    /// process otherwise. Log bodies carry no prompts or keys: the proxy never logs them.</summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        var export = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        var telemetry = builder.Services.AddOpenTelemetry()
            // "BedrockNovaProxy.*": the services' own sources and meters, such as the GenAI conventions of the proxy.
            .WithMetrics(metrics => metrics.AddMeter("BedrockNovaProxy.*").AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, "BedrockNovaProxy.*")
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation());
        if (export)
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }
}
