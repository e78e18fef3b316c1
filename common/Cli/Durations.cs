using System.Globalization;

namespace BedrockNovaProxy.Cli;

/// <summary>Durations as people write them on a command line and in customer files: "500ms", "30s", "2m", "1h", or a
/// TimeSpan ("00:01:30"). Only positive durations: a zero or negative wait is always a mistake here.</summary>
public static class Durations
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (null, 0);
        if (number is not null)
        {
            if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value * unit is not (> 0 and < 1e9))
            {
                return false;
            }

            duration = TimeSpan.FromSeconds(value * unit);
            return true;
        }

        // A bare number ("30") is refused rather than read as days, as TimeSpan would.
        return text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration > TimeSpan.Zero;
    }

    /// <exception cref="FormatException">The text is not a positive duration.</exception>
    public static TimeSpan Parse(string text) => TryParse(text, out var duration) ? duration
        : throw new FormatException($"'{text}' is not a duration (examples: 500ms, 30s, 2m, 00:01:30).");
}
