using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace BedrockNovaProxy.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>OpenTelemetry for the process: ASP.NET Core, HttpClient and runtime metrics and traces, and logs, exported
    /// over OTLP, when OTEL_EXPORTER_OTLP_ENDPOINT is set (the AppHost sets it; a collector's address elsewhere).
    /// Without an endpoint nothing is registered: spans, tags and measurements that nobody exports would cost every
    /// request their CPU and allocations for nothing (measured in docs/performance.md), and no trace header goes out.
    /// Log bodies carry no prompts or keys: the proxy never logs them.</summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // Nor does a trace context leave it: HttpClient would otherwise add traceparent to every outgoing call
            // (the request's activity exists for log correlation), for a trace nobody collects.
            System.Diagnostics.DistributedContextPropagator.Current = System.Diagnostics.DistributedContextPropagator.CreateNoOutputPropagator();
            // ASP.NET Core starts an activity per request (and HttpClient a child per call) whenever its hosting
            // logger is on, only to correlate logs with a trace; the proxy's logs carry their request's ids
            // (RequestId), and there is no trace. A configured level for the category still wins.
            const string Hosting = "Microsoft.AspNetCore.Hosting.Diagnostics";
            if (builder.Configuration[$"Logging:LogLevel:{Hosting}"] is null)
            {
                builder.Logging.AddFilter(Hosting, LogLevel.None);
            }

            return builder;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        builder.Services.AddOpenTelemetry()
            // "BedrockNovaProxy.*": the services' own sources and meters, such as the GenAI conventions of the proxy.
            .WithMetrics(metrics => metrics.AddMeter("BedrockNovaProxy.*").AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, "BedrockNovaProxy.*")
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation())
            .UseOtlpExporter();
        return builder;
    }
}
