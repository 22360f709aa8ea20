package ha;

import java.time.Duration;
import java.util.Map;

/** How one phase ended. */
public record PhaseResult(String name, Status status, Duration duration, String message, Map<String, Object> figures) {
    public enum Status { passed, failed, skipped }

    public boolean failed() {
        return status == Status.failed;
    }
}
