package ha.core;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Reads durations as people write them: 90s, 2m, 1m30s, 500ms, 1h, a bare number of seconds, or PT90S; never 0. */
public final class Durations implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|h|m|s)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.matches("\\d+")) {
            return positive(Duration.ofSeconds(Long.parseLong(v)), value);
        }
        if (v.startsWith("pt")) {
            Duration parsed;
            try {
                parsed = Duration.parse(v.toUpperCase(java.util.Locale.ROOT));
            } catch (RuntimeException e) {
                throw bad(value);
            }
            return positive(parsed, value);
        }
        Matcher m = PART.matcher(v);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw bad(value);
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        if (end == 0 || end != v.length()) {
            throw bad(value);
        }
        return positive(total, value);
    }

    /** Zero (0, 0s, PT0S alike) or less is refused: no wait can take no time. */
    private static Duration positive(Duration d, String value) {
        if (d.isZero() || d.isNegative()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is no time: expected a duration longer than 0 "
                    + "(examples: 90s, 2m, 1m30s, 500ms; a bare number is seconds)");
        }
        return d;
    }

    private static CommandLine.TypeConversionException bad(String value) {
        return new CommandLine.TypeConversionException("'" + value + "' is not a duration (examples: 90s, 2m, 1m30s, 500ms)");
    }
}
