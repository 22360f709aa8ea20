package ha.run;

import java.time.Duration;
import java.util.Map;

/** How one phase ended. */
public record PhaseResult(String name, Status status, Duration duration, String message, Map<String, Object> figures) {
    /** interrupted: the phase was running when the suite was stopped (Ctrl-C or a signal). */
    public enum Status { passed, failed, skipped, interrupted }

    public boolean failed() {
        return status == Status.failed;
    }
}
