package ha.core;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Option;

/** Where a run leaves its reports and evidence. */
public final class ReportOptions {
    public enum Collect { on_failure, always, never }

    @Option(names = "--report-dir", paramLabel = "DIR",
            description = "Where report.json, junit.xml, summary.txt and diagnostics go (default: build/ha-reports/<run id> "
                    + "in the suite's folder).")
    public Path reportDir;

    @Option(names = "--collect", paramLabel = "WHEN", converter = CollectConverter.class,
            description = "When to collect diagnostics (logs, pod YAML, events, cluster views): on-failure (default), always, never.")
    public Collect collect = Collect.on_failure;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "Name of this run in row markers, reports and the default report and work dirs (default: date, time and a random suffix).")
    public String runId;

    /** The run id: the option, else one made now (date, time, random suffix) and kept for the whole run. */
    public String runId() {
        if (runId == null || runId.isBlank()) {
            runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                    + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        }
        return runId;
    }

    /** The option, else build/ha-reports/&lt;run id&gt; in the suite's folder ({@link ProjectRoot}). */
    public Path reportDir() {
        if (reportDir == null) {
            reportDir = ProjectRoot.resolve("build", "ha-reports", runId());
        }
        return reportDir;
    }

    /** Accepts on-failure, always, never. */
    public static final class CollectConverter implements picocli.CommandLine.ITypeConverter<Collect> {
        @Override
        public Collect convert(String value) {
            try {
                return Collect.valueOf(value.trim().toLowerCase(java.util.Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not one of on-failure, always, never");
            }
        }
    }
}
